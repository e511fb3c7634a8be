"""HTTP helpers shared by the topic, post and comment tests."""
import itertools

_titles = itertools.count(1)


def make_topic(client, **fields):
    body = {"title": f"Topic number {next(_titles)}", "description": "about things"}
    body.update(fields)
    response = client.post("/api/topics", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def make_post(client, topic_id, **fields):
    body = {"title": "A post", "content": "Some content"}
    body.update(fields)
    response = client.post(f"/api/posts/topics/{topic_id}/posts", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def make_comment(client, post_id, content="A comment", **fields):
    response = client.post(f"/api/comments/posts/{post_id}/comments", json={"content": content, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def reply(client, comment_id, content="A reply", **fields):
    response = client.post(f"/api/comments/{comment_id}/reply", json={"content": content, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def errors(response):
    return response.get_json()["errors"]
