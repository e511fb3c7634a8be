"""What the routes require of a request beyond the types of their models.

The request models keep most fields optional so that a missing field reaches
the service, which answers with the contract's own message ("Title is
required", ...) that the SPA shows. The wire stays so; the description says
what the routes in fact require:

- BODY_RULES: per request model, the fields the services require and their
  constraints (lengths, patterns, enums), merged into the model's component
  schema. Patterns are taken from the code's own regexes where there is one.
- QUERY_RULES: per endpoint, the query parameters a view reads by hand.
- REFUSALS: per endpoint, the 400s a schema cannot express: they depend on
  stored state (a wrong or expired code, an account already verified, a topic
  that is public, ...) or on content no JSON Schema checks (an image Pillow
  recognises, a length once HTML tags are stripped). They are documented as
  the operation's `400` response; the fuzz accepts a 400 for a schema-valid
  request only there.

A rule that is stricter than the route would make schemathesis' negative
check fail (the route would accept what the description calls invalid), and
one that is looser makes its positive check fail: the fuzz keeps both honest.
"""
from models.user import EMAIL_RE, USERNAME_RE
from schemas import HTTPS_URL_RE, auth, chat, comments, gifs, moderation, passkeys, posts, \
    short_links, topics, users
from services.topics import TAG_RE, TITLE_RE

OBJECT_ID = "^[0-9a-fA-F]{24}$"
# Python's \s (str.strip() too) also takes \x1c-\x1f and \x85; JSON Schema's
# (ECMA-262) does not, so they are named.
PY_SPACE = r"\s\x1c-\x1f\x85"
WHITE = rf"[{PY_SPACE}]"
NON_BLANK = rf"[^{PY_SPACE}]"  # at least one character that is not white space
# schemas.HTTPS_URL_RE without its IGNORECASE flag (JSON Schema patterns have none).
HTTPS_URL = "^[hH][tT][tT][pP][sS]://" + HTTPS_URL_RE.pattern.split("://", 1)[1].replace(
    r"\s", PY_SPACE)
# services.topics TITLE_RE's characters, 3-100 of them once stripped.
_TITLE_CHARS = TITLE_RE.pattern[2:-3]  # "^[...]+$" -> "..."
_TITLE_EDGE = _TITLE_CHARS.replace(" ", "")
TOPIC_TITLE = rf"^{WHITE}*[{_TITLE_EDGE}][{_TITLE_CHARS}]{{1,98}}[{_TITLE_EDGE}]{WHITE}*$"
# services.topics TAG_RE before its strip() and lower().
TOPIC_TAG = f"^{WHITE}*" + TAG_RE.pattern[1:-1].replace("a-z", "A-Za-z") + f"{WHITE}*$"
TOPIC_TAGS = {"anyOf": [{"type": "array", "maxItems": 10,
                          "items": {"type": "string", "pattern": TOPIC_TAG}},
                         {"type": "null"}]}
USERNAME = USERNAME_RE.pattern  # 3-20 characters (auth_service.check_username)
# models.user EMAIL_RE around white space (the address is stripped), at most 254.
EMAIL = f"^{WHITE}*" + EMAIL_RE.pattern[1:-1] + f"{WHITE}*$"


def text(minimum=1, maximum=None, pattern=None):
    """A required string property."""
    schema = {"type": "string", "minLength": minimum}
    if maximum is not None:
        schema["maxLength"] = maximum
    if pattern is not None:
        schema["pattern"] = pattern
    return schema


def at_least_one(**branches):
    """At least one property is present and matches its schema. Written as
    `not` (no present property matches) rather than a top-level `anyOf`,
    which client generators turn into a union of models."""
    return {"not": {"properties": {name: {"not": schema} for name, schema in branches.items()}}}


def one_of_present(*names):
    """At least one of `names` is a non-blank string."""
    return at_least_one(**{name: text(pattern=NON_BLANK) for name in names})


CREDENTIAL = {"$ref": "#/components/schemas/Credential"}  # not null
OPTIONAL_ID = {"anyOf": [text(24, 24, OBJECT_ID), {"const": ""}, {"type": "null"}]}
MINUTES = {"type": "integer", "minimum": -1, "maximum": 525600}

# schemas.chat._gif_url: empty means none.
MESSAGE_RULES = {"properties": {
    "gif_url": {"anyOf": [{"type": "string", "maxLength": 1000, "pattern": HTTPS_URL},
                          {"const": ""}, {"type": "null"}]}}}

BODY_RULES = {
    auth.RegisterPasswordless: {"required": ["username", "email"], "properties": {
        "username": text(3, 20, USERNAME), "email": text(1, 254, EMAIL)}},
    auth.RegisterWithPassword: {"required": ["username", "email", "password"], "properties": {
        "username": text(3, 20, USERNAME), "email": text(1, 254, EMAIL)}},
    auth.VerifyEmail: {"required": ["code"], "properties": {"code": text(1, 20)}},
    auth.CompleteTotp: {"required": ["totp_code"], "properties": {"totp_code": text(6, 6)}},
    auth.SetRecoveryCode: {"required": ["recovery_code"],
                           "properties": {"recovery_code": text(8, 200)}},
    auth.LoginPasswordless: {"required": ["identifier", "totp_code"], "properties": {
        "identifier": text(1, 320), "totp_code": text(1, 20)}},
    auth.LoginBackup: {"required": ["identifier", "backup_code"], "properties": {
        "identifier": text(1, 320), "backup_code": text(1, 20)}},
    auth.VerifyLoginEmail: {"required": ["user_id", "code"], "properties": {
        "user_id": text(1, 24), "code": text(1, 20)}},
    auth.ResendLoginEmail: {"required": ["user_id"], "properties": {"user_id": text(1, 24)}},
    auth.BackupCodes: {"required": ["totp_code"], "properties": {"totp_code": text(1, 20)}},
    auth.RecoveryInitiate: {"required": ["email"], "properties": {"email": text(1, 254, EMAIL)}},
    auth.RecoveryEmailCode: {"required": ["email", "code"], "properties": {
        "email": text(1, 320), "code": text(1, 20)}},
    # auth.Preferences.plain_values, key by key.
    auth.Preferences: {"properties": {"preferences": {
        "type": "object", "maxProperties": 50,
        "propertyNames": {"pattern": "^[^$.\\u0000][^.\\u0000]{0,49}$"},
        "additionalProperties": {"anyOf": [{"type": "string", "maxLength": 200},
                                           {"type": ["boolean", "number", "null"]}]},
        "properties": {"theme": {"enum": ["dark", "light", None]},
                       "language": {"enum": ["en", "pt", None]},
                       "email_missed_messages": {"type": "boolean"},
                       "email_digest": {"enum": ["off", "daily", "weekly", None]}}}}},
    passkeys.Rename: {"required": ["device_name"],
                      "properties": {"device_name": text(1, 500, NON_BLANK)}},
    passkeys.AuthVerify: {"required": ["credential"], "properties": {"credential": CREDENTIAL}},
    passkeys.RegisterVerify: {"required": ["credential"],
                              "properties": {"credential": CREDENTIAL}},
    # passkeys.Credential.plain_strings
    passkeys.Credential: {"properties": {"response": {
        "type": "object", "maxProperties": 20, "additionalProperties": {"anyOf": [
            {"type": "string", "maxLength": passkeys.MAX_CREDENTIAL_FIELD},
            {"type": ["number", "null"]},
            {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 39}}]}}}},
    comments.CreateComment: {**one_of_present("content", "gif_url"), "properties": {
        "gif_url": {"anyOf": [{"type": "string", "maxLength": 500, "pattern": HTTPS_URL},
                              {"const": ""}, {"type": "null"}]}}},
    posts.CreatePost: {"required": ["title"], "properties": {
        "title": text(1, 300, NON_BLANK),
        "gif_url": {"anyOf": [{"type": "string", "maxLength": 500, "pattern": HTTPS_URL},
                              {"const": ""}, {"type": "null"}]}},
        **one_of_present("content", "gif_url")},
    topics.CreateTopic: {"required": ["title"], "properties": {
        "title": text(3, 1000, TOPIC_TITLE), "tags": TOPIC_TAGS}},
    # services.topics.update_topic: at least one change.
    topics.UpdateTopic: {**at_least_one(
        title={"type": "string"}, description={"type": "string"},
        tags={"type": "array", "minItems": 1},
        settings={"type": "object", "anyOf": [
            {"required": [flag], "properties": {flag: {"type": "boolean"}}}
            for flag in ("allow_anonymous", "require_approval")]}),
        "properties": {"title": {"anyOf": [text(3, 1000, TOPIC_TITLE), {"type": "null"}]},
                       "tags": TOPIC_TAGS}},
    users.Minutes: {"properties": {"minutes": MINUTES}},
    users.FriendRequest: {"required": ["to_user_id"],
                          "properties": {"to_user_id": text(24, 24, OBJECT_ID)}},
    users.CheckEmail: {"properties": {"email": text(1, 254, EMAIL)}},
    users.CheckUsername: {"properties": {"username": text(3, 20, USERNAME)}},
    gifs.RegisterShareIn: {"required": ["gif_id"],
                           "properties": {"gif_id": text(1, 64, gifs.GIF_ID_RE.pattern)}},
    short_links.ShortLinkIn: {"required": ["url"], "properties": {"url": text(1, 2048)}},
    moderation.CreateReport: {"required": ["reason", "description"], "properties": {
        "reason": text(1, 200, NON_BLANK), "description": text(10, 1000),
        "content_id": OPTIONAL_ID, "reported_user_id": OPTIONAL_ID, "topic_id": OPTIONAL_ID},
        **at_least_one(content_id=text(24, 24, OBJECT_ID),
                       reported_user_id=text(24, 24, OBJECT_ID))},
    # services.users.update_profile: at least one change.
    # (a picture or country present, even null, is a change; a username must be non-empty).
    users.ProfileUpdate: {**at_least_one(username=text(1), profile_picture={}, banner={},
                                         country_code={}),
                          # services.users._country_code; empty or null clears it
                          "properties": {"country_code": {"anyOf": [
                              text(2, 2, "^[A-Za-z]{2}$"), {"const": ""}, {"type": "null"}]}}},
    moderation.CreateTicket: {"required": ["subject", "description"], "properties": {
        "subject": text(5, 200), "description": text(20, 5000)}},
    chat.MessageBody: MESSAGE_RULES,
    chat.PrivateMessageIn: MESSAGE_RULES,
    moderation.TicketMessage: {"required": ["message"],
                               "properties": {"message": text(1, 5000, NON_BLANK)}},
}

QUERY_RULES = {
    "gifs.search": {"q": (True, text(1, 100, NON_BLANK))},
    "messages.private_history": {"other_user_id": (True, text(1))},
    "users.search": {"q": (True, text(2, pattern=NON_BLANK))},
}
# Every GIF route reads `locale` (routes/gifs.py _locale); empty means en_US.
LOCALE = {"type": "string", "pattern": f"^({gifs.LOCALE_RE.pattern[1:-1]})?$"}

REFUSALS = {
    "auth.register_passwordless": "The username or the email is taken.",
    "auth.register_with_password": "The username or the email is taken, or the password "
                                   "lacks a lower or upper case letter, a digit or a "
                                   "special character.",
    "auth.verify_email": "The code is not the one mailed, or it expired.",
    "auth.resend_verification": "The email is already verified.",
    "auth.totp_qrcode": "The authenticator is already set up.",
    "auth.complete_totp_setup": "The email is not verified yet, 2FA is already on, or the "
                                "code does not match the authenticator.",
    "auth.resend_login_email_2fa": "No sign-in code is pending for that user, or one was "
                                   "sent less than a minute ago (`retry_after`).",
    "auth.backup_codes": "2FA is off, or the code does not match the authenticator.",
    "auth.verify_totp": "The code does not match the authenticator.",
    "auth.change_password": "The account is passwordless, the current password is wrong, "
                            "or the new one breaks the password rules.",
    "recovery.verify_email_code": "The code is not the one mailed, or it expired.",
    "passkeys.auth_verify": "The credential does not verify.",
    "passkeys.register_verify": "The credential does not verify.",
    "users.delete_account": "The code the account needs (emailed or TOTP) is missing or "
                            "does not match.",
    "users.update_profile": "The username breaks the rules or is taken, or a picture is "
                            "not an image.",
    "chat_rooms.create_group": "A picture is neither an https URL nor an image.",
    "chat_rooms.create_topic_room": "A picture is neither an https URL nor an image.",
    "chat_rooms.picture": "The picture is neither an https URL nor an image.",
    "chat_rooms.background": "The picture is neither an https URL nor an image.",
    "chat_rooms.invite": "The room is not a private room.",
    "topics.invite": "The topic is public: it takes no invitations.",
    "topics.unban_user": "The user is not banned from the topic.",
    "topics.set_anonymous_identity": "The name is empty once cleaned of what names may "
                                     "not contain.",
    "short_links.generate": "The URL is not on this site.",
    "passkeys.rename_passkey": "The caller has no passkey with that id.",
    "chat_rooms.send": "An attachment's data is not base64 of an allowed file.",
    "messages.send_topic_message": "An attachment's data is not base64 of an allowed file.",
    "messages.send_private_message": "An attachment's data is not base64 of an allowed "
                                     "file.",
    "tickets.add_message": "The ticket is closed or its thread is full, or the message "
                           "is empty once HTML tags are stripped.",
    "reports.create_report": "The description is shorter than 10 characters once HTML "
                             "tags are stripped.",
    "tickets.create_ticket": "The subject is shorter than 5 or the description shorter "
                             "than 20 characters once HTML tags are stripped.",
    "email.confirm_unsubscribe": "The link's signature does not verify.",
    "email.apply_unsubscribe": "The link's signature does not verify.",
}
