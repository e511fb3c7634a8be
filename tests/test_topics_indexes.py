"""The list and lookup queries of topics, posts and comments are index-backed on
the embedded server (no COLLSCAN in the winning plan)."""
from bson import ObjectId

from models.anonymous_identity import AnonymousIdentity
from models.comment import Comment
from models.content_setting import ContentSetting
from models.post import Post
from models.topic import Topic, TopicBan, TopicMember
from models.topic_invitation import TopicInvitation
from models.topic_mute import TopicMute
from services import comments, posts, topics
from utils.queries import plan_stages


def _assert_indexed(model, query, sort=None, index=None):
    stages = plan_stages(model, query, sort, index)
    assert "COLLSCAN" not in stages, (model.collection_name, query, stages)
    assert "IXSCAN" in stages or "IDHACK" in stages, stages


def test_topic_list_queries_use_indexes(app_ctx, auth):
    user = auth.user()
    TopicMember.insert(topic_id=ObjectId(), user_id=user["_id"], role="member")
    ContentSetting.insert(user_id=user["_id"], item_type="topic", item_id=ObjectId(), setting="hidden")
    for tags, search in ((None, None), (["cats"], None), (None, "a.b*"), (["x", "y"], "cats")):
        query = topics.list_query(user, tags, search)
        for sort_by, index in topics.SORTS.items():
            _assert_indexed(Topic, query, [(sort_by, -1), ("_id", -1)], index)
    _assert_indexed(Topic, topics.list_query(None), [("last_activity", -1)], "by_activity")
    _assert_indexed(TopicMember, {"user_id": user["_id"]}, [("created_at", -1)])
    _assert_indexed(Topic, {"title_lower": "x"})


def test_post_and_comment_queries_use_indexes(app_ctx, auth):
    user = auth.user()
    ContentSetting.insert(user_id=user["_id"], item_type="post", item_id=ObjectId(), setting="hidden")
    hidden = [ObjectId()]
    for sort, index in posts.SORTS.values():
        _assert_indexed(Post, posts.topic_posts_query(ObjectId(), hidden), sort, index)
        _assert_indexed(Post, posts.topic_posts_query(ObjectId(), []), sort, index)
    _assert_indexed(Post, posts.recent_query(user), [("created_at", -1)], "recent")
    for sort, index in comments.SORTS.values():
        _assert_indexed(Comment, {"post_id": ObjectId()}, sort, index)


def test_per_request_lookups_use_indexes(app_ctx):
    oid, uid = ObjectId(), ObjectId()
    _assert_indexed(TopicMember, {"topic_id": oid, "user_id": uid})
    _assert_indexed(TopicBan, {"topic_id": oid, "user_id": uid})
    _assert_indexed(TopicInvitation, {"topic_id": oid, "invited_user_id": uid, "status": "pending"})
    _assert_indexed(TopicInvitation, {"invited_user_id": uid, "status": "pending"}, [("created_at", -1)])
    _assert_indexed(AnonymousIdentity, {"topic_id": oid, "user_id": uid})
    _assert_indexed(AnonymousIdentity, {"user_id": uid}, [("created_at", -1)])
    _assert_indexed(TopicMember, {"topic_id": oid, "role": "moderator"}, [("created_at", 1)])
    _assert_indexed(TopicMute, {"user_id": uid})
    _assert_indexed(Post, {"_id": oid})
