"""Capture of keyevent notifications, shared by the data-type suites."""


def keyevents(r, action, flags="KEA"):
    """The (event, key) keyevent notifications, as text, that action() causes.

    Enables notify-keyspace-events with `flags` (restored to "" afterwards) and subscribes a second
    connection to __keyevent@0__:*; a SET of "end-marker" after action() marks the end, so the
    collection stops without waiting for a timeout.
    """
    r.config_set("notify-keyspace-events", flags)
    sub = r.pubsub()
    try:
        sub.psubscribe("__keyevent@0__:*")
        assert sub.get_message(timeout=2)["type"] == "psubscribe"
        action()
        r.set("end-marker", "1")
        events = []
        for _ in range(100):
            msg = sub.get_message(timeout=2)
            assert msg is not None, f"no end marker; events so far: {events}"
            if msg["type"] != "pmessage":
                continue
            if msg["data"] == b"end-marker":
                break
            events.append((msg["channel"].split(b":", 1)[1].decode(), msg["data"].decode()))
        return events
    finally:
        sub.close()
        r.config_set("notify-keyspace-events", "")
