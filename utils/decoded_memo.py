"""Decoded copies of cached text, per process, keyed by the exact text.

A cached page or facts document is the same bytes for many requests until it
changes; decoding it again on each read was a few percent of a cached read.
The key is the content, so a changed value is a new entry: nothing to
invalidate. The decoded value is shared by every request that reads the same
text, so callers must copy before changing it (the views' `personal` functions
do). Bounded by the bytes of the texts kept, least recently used out first.
"""
import threading
from collections import OrderedDict


class DecodedMemo:
    def __init__(self, decode, max_bytes):
        self.decode, self.max_bytes = decode, max_bytes
        self.size, self.entries = 0, OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, raw):
        with self.lock:
            value = self.entries.pop(raw, None)
        if value is None:
            value = self.decode(raw)
            with self.lock:
                self.size += len(raw)
        with self.lock:
            self.entries[raw] = value  # the most recently used last
            while self.size > self.max_bytes and len(self.entries) > 1:
                self.size -= len(self.entries.popitem(last=False)[0])
        return value
