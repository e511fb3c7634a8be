"""User profiles: who may see and change them.

A profile is public to anyone signed in while the account lives (a deleted
account keeps a "Deleted User" shell); only its owner changes it; reaching a
user (a DM, a friend request, an invitation, a call) also needs no block
either way (policies/blocks.py).
"""
from policies.blocks import is_blocked_either


def can_view(profile, viewer):
    return profile is not None and not profile.get("is_deleted")


def can_edit(profile, user):
    return user is not None and profile is not None and profile["_id"] == user["_id"]


def can_reach(profile, user):
    """May `user` address `profile`'s owner directly (typing, calls, invitations)?"""
    return (user is not None and can_view(profile, user)
            and not is_blocked_either(user["_id"], profile["_id"]))
