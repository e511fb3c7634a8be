from utils.text import clean_message, sanitize_text


def test_html_is_stripped_and_text_kept():
    assert sanitize_text("<b>hi</b><script>alert(1)</script> there") == "hi there"


def test_content_filter_defaults(app_ctx):
    assert clean_message("see http://x.example/a  you shit!") == "see [Link removed] you ****!"
