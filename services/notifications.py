"""NotificationService: the one way any service notifies a user.

`notify()` stores the notification (shape of rest-accounts §12.3) and, after
the write, emits `new_notification` to `user_<id>`. Mutes and preferences are
checked here (the accounts issue extends `should_notify`).
"""
from models.base import parse_id
from models.notification import Notification
from services import realtime


class NotificationService:
    @staticmethod
    def should_notify(user_id, kind, data, sender_id=None):
        """Hook for mutes, blocks and preferences; True means deliver."""
        from services.blocks import is_blocked

        return not (sender_id is not None and is_blocked(user_id, sender_id))

    @classmethod
    def notify(cls, user_id, kind, title, message, data=None, sender_id=None):
        """Store and emit one notification; returns it (public shape) or None if suppressed."""
        data = data or {}
        if sender_id is not None and str(sender_id) == str(user_id):
            return None  # nobody is notified of their own action
        if not cls.should_notify(user_id, kind, data, sender_id):
            return None
        doc = Notification.insert(user_id=parse_id(user_id), type=kind, title=title,
                                  message=message, data=data,
                                  sender_id=parse_id(sender_id) if sender_id else None)
        public = Notification.to_public(doc)
        realtime.emit_to_user(user_id, "new_notification", public)
        return public


notify = NotificationService.notify
