"""Index-hinted list queries.

The embedded SecantusDB planner falls back to a collection scan as soon as a
filter has a predicate outside the chosen index (a search regex, a `$nin` of
hidden ids); naming the index keeps the scan on the index and applies the
rest as a filter. Real MongoDB accepts the same hint.
"""


def hinted_find(model, query, sort, index, skip=0, limit=0):
    cursor = model.collection().find(query).sort(sort).hint(index)
    if skip:
        cursor = cursor.skip(skip)
    if limit:
        cursor = cursor.limit(limit)
    return list(cursor)


def hinted_count(model, query, index):
    return model.collection().count_documents(query, hint=index)


def plan_stages(model, query, sort=None, index=None):
    """Every stage name of the winning plan (tests assert no COLLSCAN)."""
    cursor = model.collection().find(query)
    if sort:
        cursor = cursor.sort(sort)
    if index:
        cursor = cursor.hint(index)
    stages, node = [], cursor.explain()["queryPlanner"]["winningPlan"]
    while node:
        stages.append(node.get("stage"))
        node = node.get("inputStage")
    return stages
