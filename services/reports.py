"""Reports: creating them (every domain's "report" endpoint calls `create_report`),
and the admin listing with the enrichments of rest-accounts §12.4.

Report actions live in services/moderation.py.
"""
from pymongo.errors import DuplicateKeyError

from models import get_db
from models.base import parse_id, to_json_safe
from models.private_message import PrivateMessage
from models.report import Report
from models.user import User
from services.tickets import notify_admins
from utils.errors import Conflict, ValidationFailed
from utils.rate_limit import enforce_setting
from utils.text import sanitize_text

CONTENT_TYPES = ("message", "private_message", "post", "comment", "user", "chatroom",
                 "chatroom_background", "chatroom_picture", "profile_image")
ROOM_TYPES = ("chatroom", "chatroom_background", "chatroom_picture")
# Where each kind of reported content lives, and which field names its author.
SOURCES = {"message": ("messages", "user_id"), "post": ("posts", "user_id"),
           "comment": ("comments", "user_id"), "private_message": ("private_messages", "from_user_id"),
           "chatroom": ("chat_rooms", "owner_id"), "chatroom_background": ("chat_rooms", "owner_id"),
           "chatroom_picture": ("chat_rooms", "owner_id")}


def report_type_of(content_type, content_id):
    if content_type == "profile_image":
        return "profile_image"
    return "user" if content_type == "user" or not content_id else "content"


def create_report(reporter, content_type, content_id, reason, description="",
                  reported_user_id=None, topic_id=None, content_snapshot=None):
    """Store one report; a second report of the same item by the same user is a 409."""
    enforce_setting("REPORT", reporter["_id"], "Too many reports, please try again later")
    try:
        doc = Report.insert(
            reporter_id=parse_id(reporter["_id"]), content_type=content_type,
            content_id=parse_id(content_id) if content_id else None,
            reported_user_id=parse_id(reported_user_id) if reported_user_id else None,
            topic_id=parse_id(topic_id) if topic_id else None,
            reason=reason, description=description, content_snapshot=content_snapshot,
            report_type=report_type_of(content_type, content_id))
    except DuplicateKeyError:
        raise Conflict("You have already reported this") from None
    notify_admins("new_report", {"report_id": doc["_id"], "reporter_id": doc["reporter_id"],
                                 "reason": reason[:100]})
    return doc


def fetch_content(content_type, content_id):
    """The reported document, deleted or not (admins see what was reported)."""
    source = SOURCES.get(content_type)
    oid = parse_id(content_id)
    if oid is None:
        return None
    if content_type == "private_message":
        return get_private_message_for_admin(str(oid))
    if content_type in ("user", "profile_image"):
        return User.get(oid)
    return get_db()[source[0]].find_one({"_id": oid}) if source else None


def author_of(content_type, doc):
    if doc is None:
        return None
    if content_type in ("user", "profile_image"):
        return doc["_id"]
    field = SOURCES[content_type][1]
    return doc.get(field) or doc.get("sender_id") or doc.get("author_id")


def submit_report(reporter, body):
    """POST /api/reports: check the body, find the author, keep a snapshot, store."""
    reason = sanitize_text(body.reason or "").strip()
    description = sanitize_text(body.description or "").strip()
    if not reason:
        raise ValidationFailed("Reason is required")
    if len(description) < 10:
        raise ValidationFailed("Description must be at least 10 characters")
    if len(description) > 1000:
        raise ValidationFailed("Description must be less than 1000 characters")
    if not body.content_id and not body.reported_user_id:
        raise ValidationFailed("Either content_id or reported_user_id is required")
    content_type, content_id = body.content_type, body.content_id
    if not content_id:
        # A report of a user (or their picture) is keyed by that user, so one
        # reporter may report several users, each once.
        content_type = "profile_image" if content_type == "profile_image" else "user"
        content_id = body.reported_user_id
    return report_content(reporter, content_type, content_id, reason, description,
                          reported_user_id=body.reported_user_id, claimed_topic=body.topic_id)


def report_content(reporter, content_type, content_id, reason, description="",
                   reported_user_id=None, claimed_topic=None):
    """Store a report of one item: the server finds its author, its topic and a
    snapshot. Every "report" endpoint ends here, after its own access check."""
    doc = fetch_content(content_type, content_id)
    reported = author_of(content_type, doc) or parse_id(reported_user_id)
    if reported is not None and str(reported) == str(reporter["_id"]):
        raise ValidationFailed("Cannot report yourself")
    return create_report(reporter, content_type, content_id, reason, description,
                         reported_user_id=reported,
                         topic_id=_topic_of(content_type, doc, claimed_topic),
                         content_snapshot=_snapshot(content_type, doc))


def _topic_of(content_type, doc, claimed):
    """The topic whose moderators may see and act on the report: the content's
    own topic, never one the reporter names for content outside it (a private
    message must not reach a topic's moderators). A user report may name one."""
    if content_type == "user":
        return claimed
    if content_type == "comment" and doc:
        post = get_db()["posts"].find_one({"_id": doc.get("post_id")}, {"topic_id": 1})
        return post.get("topic_id") if post else None
    return doc.get("topic_id") if doc and content_type in SOURCES else None


def _snapshot(content_type, doc):
    if doc is None:
        return None
    if content_type in ("user", "profile_image"):
        return {"profile_picture": doc.get("profile_picture"), "username": doc.get("username")}
    return content_data(content_type, doc)


# ----- admin listing -----

def content_data(content_type, doc):
    """The §12.4 `content_data` for one reported document (`{}` when gone)."""
    if not doc:
        return {}
    get = doc.get
    if content_type == "message":
        keys = ("content", "message_type", "created_at", "attachments", "chat_room_id", "topic_id")
    elif content_type == "private_message":
        keys = ("content", "message_type", "created_at", "attachments", "to_user_id")
    elif content_type == "post":
        keys = ("title", "content", "created_at", "upvote_count", "comment_count", "topic_id")
    elif content_type == "comment":
        keys = ("content", "created_at", "upvote_count", "post_id", "parent_comment_id")
    elif content_type in ROOM_TYPES:
        keys = ("name", "description", "created_at", "topic_id", "owner_id", "picture",
                "background_picture")
    elif content_type == "profile_image":
        keys = ("profile_picture",)
    else:
        return {}
    data = {name: get(name) for name in keys}
    data["is_deleted"] = bool(get("is_deleted"))
    return to_json_safe(data)


def list_reports(limit, offset, status=None, report_type=None, content_type=None):
    query = {}
    if status:
        query["status"] = status
    if report_type:
        query["report_type"] = report_type
    if content_type:
        query["content_type"] = content_type
    docs = Report.find(query, sort=[("created_at", -1)], skip=offset, limit=limit)
    return enrich(docs), Report.count(query)


def enrich(reports):
    """Reporter, reported user and the content itself (even if since deleted)."""
    ids = {r[k] for r in reports for k in ("reporter_id", "reported_user_id") if r.get(k)}
    users = {u["_id"]: u for u in User.find({"_id": {"$in": list(ids)}},
                                            projection={"username": 1, "is_banned": 1})}
    contents = _fetch_contents(reports)
    return [_admin_view(report, users, contents) for report in reports]


def _fetch_contents(reports):
    """`{(content_type, content_id): doc}` with one query per collection, not one per
    report (private messages, rare, go through their service one by one)."""
    wanted = {}
    for report in reports:
        content_type, oid = report["content_type"], parse_id(report.get("content_id"))
        if oid is not None:
            wanted.setdefault(content_type, set()).add(oid)
    found = {}
    for content_type, oids in wanted.items():
        if content_type in ("user", "profile_image"):
            collection = "users"
        elif content_type in SOURCES and content_type != "private_message":
            collection = SOURCES[content_type][0]
        else:
            found.update({(content_type, oid): fetch_content(content_type, oid) for oid in oids})
            continue
        for doc in get_db()[collection].find({"_id": {"$in": list(oids)}}):
            found[(content_type, doc["_id"])] = doc
    return found


def _admin_view(report, users, contents):
    view = Report.to_public(report)
    view.pop("content_snapshot", None)
    reporter = users.get(report.get("reporter_id"))
    reported = users.get(report.get("reported_user_id"))
    view.update({
        "reported_by": view.get("reporter_id"),
        "reported_content_id": view.get("content_id"),
        "reporter": {"id": str(reporter["_id"]), "username": reporter["username"]} if reporter else None,
        "reporter_username": reporter["username"] if reporter else "Unknown",
        "reported_user": ({"id": str(reported["_id"]), "username": reported["username"],
                           "is_banned": bool(reported.get("is_banned"))} if reported else None),
        "reported_username": reported["username"] if reported else None,
    })
    doc = contents.get((report["content_type"], parse_id(report.get("content_id"))))
    live = content_data(report["content_type"], doc)
    # What was reported stays visible even if the content was since deleted or blanked.
    snapshot = to_json_safe(report.get("content_snapshot")) or {}
    merged = {**snapshot, **{k: v for k, v in live.items() if v is not None and v != ""}}
    view["content_data"] = merged
    view["attached_messages_data"] = []
    return view


def get_private_message_for_admin(message_id):
    """Any DM (deleted ones too) with both parties' names, for the admin's report view."""
    doc = PrivateMessage.get(message_id, include_deleted=True)
    if doc is None:
        return None
    names = {u["_id"]: u["username"] for u in User.find(
        {"_id": {"$in": [doc["from_user_id"], doc["to_user_id"]]}}, include_deleted=True,
        projection={"username": 1})}
    out = PrivateMessage.to_public(doc)
    out["sender_username"] = names.get(doc["from_user_id"], "Deleted User")
    out["recipient_username"] = names.get(doc["to_user_id"], "Deleted User")
    return out
