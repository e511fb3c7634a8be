"""Who may do what: one module per object kind (topic, room, post, message, call,
report, profile), each deciding from the caller's facts (facts.py) and the block
relation (blocks.py), and yielding the MongoDB filter of what the caller may list.
Policies import models and utils only: every service, route and socket handler
asks them, never the other way round."""
