"""What the code does not say by itself: the response model of an endpoint,
and the tag of each blueprint.

Request bodies, query parameters, the sign-in requirement and the success
status are read from the routes (apidocs/discovery.py). The success payloads
of the main objects are listed here, by Flask endpoint name, so that routes
stay as thin as they are. An endpoint not listed is described with the plain
envelope `{success, data?, message?}`.
"""
from dataclasses import dataclass, field

from apidocs import objects as o


@dataclass(frozen=True)
class Returns:
    """The success body: `data` is `model` (or a list of it), plus top-level `extra` models."""

    model: type | None = None
    many: bool = False
    paginated: bool = False
    extra: dict = field(default_factory=dict)


def one(model):
    return Returns(model)


def many(model, paginated=False):
    return Returns(model, many=True, paginated=paginated)


SIGNED_IN = Returns(extra={"user": o.User})

RESPONSES = {
    # accounts
    "auth.me": SIGNED_IN,
    "auth.login_with_password": SIGNED_IN,
    "auth.login_passwordless": SIGNED_IN,
    "auth.login_passwordless_backup": SIGNED_IN,
    "auth.verify_login_email_2fa": SIGNED_IN,
    # topics, posts, comments
    "topics.list_topics": many(o.Topic, paginated=True),
    "topics.create_topic": one(o.Topic),
    "topics.get_topic": one(o.Topic),
    "topics.update_topic": one(o.Topic),
    "topics.my_topics": many(o.Topic),
    "posts.recent_posts": many(o.Post),
    "posts.topic_posts": many(o.Post),
    "posts.create_post": one(o.Post),
    "posts.get_post": one(o.Post),
    "comments.comment_tree": many(o.CommentNode),
    "comments.create_comment": one(o.Comment),
    "comments.reply": one(o.Comment),
    "comments.get_comment": one(o.Comment),
    # chat
    "chat_rooms.topic_rooms": many(o.ChatRoom),
    "chat_rooms.create_topic_room": one(o.ChatRoom),
    "chat_rooms.create_group": one(o.ChatRoom),
    "chat_rooms.get_room": one(o.ChatRoom),
    "chat_rooms.my_groups": many(o.ChatRoom),
    "chat_rooms.send": one(o.Message),
    "chat_rooms.history": many(o.Message),
    "messages.send_private_message": one(o.PrivateMessage),
    "messages.private_conversations": many(o.Conversation),
    "private_messages.conversations": many(o.Conversation),
    "private_messages.history": many(o.PrivateMessage),
    # notifications, moderation, support, calls
    "notifications.list_notifications": many(o.Notification, paginated=True),
    "admin.list_reports": many(o.ModerationReport, paginated=True),
    "tickets.create_ticket": one(o.Ticket),
    "tickets.get_ticket": one(o.Ticket),
    "tickets.my_tickets": many(o.Ticket, paginated=True),
    "voip.ice_servers": one(o.IceServers),
}

TAGS = {
    "admin": "Administration", "attachments": "Attachments", "auth": "Accounts",
    "passkeys": "Accounts", "recovery": "Accounts", "chat_rooms": "Chat rooms",
    "comments": "Comments", "content_settings": "Content settings", "friends": "Friends",
    "messages": "Messages", "private_messages": "Messages",
    "notification_settings": "Notification settings", "notifications": "Notifications",
    "posts": "Posts", "reports": "Reports", "tickets": "Support tickets", "topics": "Topics",
    "user_social": "Users", "users": "Users", "voip": "Calls", "apidocs": "API description",
}


def tag_for(endpoint):
    blueprint = endpoint.split(".", 1)[0]
    return TAGS.get(blueprint, blueprint.replace("_", " ").capitalize())
