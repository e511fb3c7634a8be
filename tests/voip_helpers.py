"""Shared setup for the VoIP tests: people with sockets, rooms, call ids."""
from models.chat_room import ChatRoom, ChatRoomMember


class Person:
    """A signed-in user with one Flask-SocketIO test client; `events()` drains it."""

    def __init__(self, user, http, sio):
        self.user, self.http, self.sio = user, http, sio
        self.id = str(user["_id"])

    def emit(self, event, data=None):
        if data is None:
            self.sio.emit(event)
        else:
            self.sio.emit(event, data)

    def events(self):
        """Every event received since the last call, as `(name, payload)`, voip_* only."""
        return [(e["name"], e["args"][0] if e["args"] else None)
                for e in self.sio.get_received() if e["name"].startswith("voip_")]

    def only(self, name):
        """Drain, and return the payloads of `name` (asserting nothing else arrived)."""
        events = self.events()
        assert [n for n, _ in events] == [name] * len(events), events
        return [data for _, data in events]

    def assert_silent(self):
        """Nothing at all reached this socket (not only no voip_* event)."""
        received = self.sio.get_received()
        assert received == [], received

    def one(self, name):
        payloads = self.only(name)
        assert len(payloads) == 1, payloads
        return payloads[0]


def make_person(auth, socket_client, **fields):
    user, http = auth.signed_in(**fields)
    sio = socket_client(http)
    sio.get_received()  # connected, online counts
    return Person(user, http, sio)


def make_room(app, owner, *members, voip_enabled=True, is_public=False):
    with app.app_context():
        room = ChatRoom.insert(name="Room", name_lower="room", owner_id=owner.user["_id"],
                               is_public=is_public, voip_enabled=voip_enabled)
        ChatRoomMember.insert(room_id=room["_id"], user_id=owner.user["_id"], role="owner")
        for person in members:
            ChatRoomMember.insert(room_id=room["_id"], user_id=person.user["_id"], role="member")
    return str(room["_id"])


def dm_room(a, b):
    return "_".join(sorted([a.id, b.id]))


def drain(*people):
    for person in people:
        person.sio.get_received()
