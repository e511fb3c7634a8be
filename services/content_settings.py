"""Hidden and silenced items. `hidden_ids` is the one query helper every list
endpoint (topics, posts, chat rooms) uses to drop what the caller hid."""
from models.base import parse_id
from models.content_setting import ContentSetting


def hidden_ids(user, item_type):
    """ObjectIds of the items of `item_type` the caller hid (empty for anonymous callers)."""
    if user is None:
        return []
    docs = ContentSetting.find({"user_id": parse_id(user["_id"]), "setting": "hidden",
                                "item_type": item_type}, projection={"item_id": 1})
    return [doc["item_id"] for doc in docs]


def exclude_hidden(query, user, item_type, field="_id"):
    """`query` narrowed so the caller's hidden items of `item_type` are left out."""
    hidden = hidden_ids(user, item_type)
    if hidden:
        query = {**query, field: {**query.get(field, {}), "$nin": hidden}} if isinstance(
            query.get(field, {}), dict) else {"$and": [query, {field: {"$nin": hidden}}]}
    return query
