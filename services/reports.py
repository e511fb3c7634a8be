"""Creating reports. Every domain's "report" endpoint calls `create_report`;
the admin side (listing, actions) is built on the same store."""
from pymongo.errors import DuplicateKeyError

from models.base import parse_id
from models.report import Report
from utils.errors import Conflict


def create_report(reporter, content_type, content_id, reason, description="",
                  reported_user_id=None, topic_id=None, content_snapshot=None):
    """Store one report; a second report of the same item by the same user is a 409."""
    try:
        doc = Report.insert(
            reporter_id=parse_id(reporter["_id"]), content_type=content_type,
            content_id=parse_id(content_id) if content_id else None,
            reported_user_id=parse_id(reported_user_id) if reported_user_id else None,
            topic_id=parse_id(topic_id) if topic_id else None,
            reason=reason, description=description, content_snapshot=content_snapshot)
    except DuplicateKeyError:
        raise Conflict("You have already reported this") from None
    return doc
