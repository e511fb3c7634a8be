"""How an author is shown on posts and comments (rest-content §11.2-11.3).

Under an alias nothing about the real account is shown: no user id, no
username, no picture, no roles. Only the author, per request, gets their own
id back (so their client knows the item is theirs).
"""
from models.base import parse_id
from models.topic import MODERATOR, OWNER, TopicMember
from models.user import User
from services.topic_access import permission_level

DELETED_USER = "Deleted User"


def author_fields(docs):
    """{doc _id: public author fields} for posts/comments, in two indexed queries."""
    named = [d for d in docs if not d.get("anonymous_identity")]
    users = {u["_id"]: u for u in User.find(
        {"_id": {"$in": list({d["user_id"] for d in named})}},
        projection={"username": 1, "profile_picture": 1, "is_admin": 1})}
    roles = {}
    for topic_id in {d["topic_id"] for d in named}:
        query = {"topic_id": topic_id, "role": {"$in": ["owner", "moderator"]},
                 "user_id": {"$in": [d["user_id"] for d in named]}}
        for m in TopicMember.collection().find(query, {"user_id": 1, "role": 1}).hint("topic_user_unique"):
            roles[(topic_id, m["user_id"])] = m["role"]
    return {d["_id"]: _fields(d, users.get(d["user_id"]), roles.get((d["topic_id"], d["user_id"])))
            for d in docs}


def _fields(doc, user, role):
    alias = doc.get("anonymous_identity")
    if alias:
        return {"user_id": None, "display_name": alias, "author_username": alias,
                "profile_picture": None, "is_anonymous": True, "is_admin": False,
                "is_owner": False, "is_moderator": False}
    name = user["username"] if user else DELETED_USER
    return {"user_id": str(doc["user_id"]), "display_name": name, "author_username": name,
            "profile_picture": user.get("profile_picture") if user else None,
            "is_anonymous": False, "is_admin": bool(user and user.get("is_admin")),
            "is_owner": role == "owner", "is_moderator": role == "moderator"}


def writer_view(model, doc, topic, writer):
    """The shared view of `doc` just written by `writer` (the signed-in user, at
    hand): no user query, and the role only for a named author."""
    role = None
    if not doc.get("anonymous_identity"):
        role = {OWNER: "owner", MODERATOR: "moderator"}.get(permission_level(topic, writer))
    return shared(model, doc, _fields(doc, writer, role))


def shared(model, doc, author):
    """The view every caller shares, plus private `_voters`/`_author` for `personal`."""
    view = {**model.to_public(doc), **author}
    view["_voters"] = {"up": [str(v) for v in doc.get("upvotes", [])],
                       "down": [str(v) for v in doc.get("downvotes", [])]}
    view["_author"] = str(doc["user_id"])
    return view


def personal(view, user):
    """A shared view for this caller: vote flags, and their own id on their own alias posts."""
    return _personal(view, _caller_id(user))


def personal_all(views, user):
    """`personal` of each view of a page. The caller's id is made text once: per view it
    was a tenth of a cached comment tree's work (issue 12)."""
    uid = _caller_id(user)
    return [_personal(view, uid) for view in views]


def _caller_id(user):
    return str(user["_id"]) if user else None


def _personal(view, uid):
    view = dict(view)
    voters, author = view.pop("_voters"), view.pop("_author")
    view["user_has_upvoted"] = uid is not None and uid in voters["up"]
    view["user_has_downvoted"] = uid is not None and uid in voters["down"]
    if uid is not None and uid == author:
        view["user_id"] = uid
    return view


def anonymous_view(view):
    """The view as nobody in particular sees it (live events)."""
    return personal(view, None)


def is_author(doc, user):
    return user is not None and doc.get("user_id") == parse_id(user["_id"])


