"""URL rules whose url_for builders are compiled on first use.

werkzeug compiles two URL-building functions for every rule when it is added
(Rule.compile -> Rule._compile_builder: an ast built and compiled per function).
Parley's 240 rules spend 0.06-0.1 s of every start-up there (issue 12), while
url_for is called for a handful of them. The same builders are compiled the
first time each is needed, so every URL built is the same; matching requests
never used them.
"""
from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A Rule that compiles each of its URL builders on the first url_for needing it."""

    def _compile_builder(self, append_unknown=True):
        attribute = "_build_unknown" if append_unknown else "_build"

        def build_on_first_use(rule, **values):
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)  # later calls go straight to it
            return builder(**values)

        return build_on_first_use
