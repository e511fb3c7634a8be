"""List filters shared by every kind: what the caller hid is left out of every list."""
from policies import facts


def hidden_ids(user, item_type):
    """ObjectIds of the items of `item_type` the caller hid (empty for anonymous callers)."""
    return facts.of(user).hidden_ids(item_type)


def exclude_hidden(query, user, item_type, field="_id"):
    """`query` narrowed so the caller's hidden items of `item_type` are left out."""
    hidden = hidden_ids(user, item_type)
    if hidden:
        query = {**query, field: {**query.get(field, {}), "$nin": hidden}} if isinstance(
            query.get(field, {}), dict) else {"$and": [query, {field: {"$nin": hidden}}]}
    return query
