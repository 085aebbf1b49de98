"""keys.json: idempotency keys."""
import json

from .cases import compact, valid
from .schemes import signed_headers


def key_cases():
    """Two different events never share a key; joined parts cannot collide."""
    def signed(name, provider, obj, **kw):
        body = compact(obj)
        return valid(provider, name, body, signed_headers(provider, body, **kw))
    message = lambda text: {"event": "chat.message.created", "timestamp": "2026-05-15T10:05:00Z",
                            "data": {"session_id": "ses_1", "text": text}}
    uploaded = lambda document, job: {"event": "document.uploaded", "timestamp": "2025-12-03T10:30:00Z",
                                      "data": {"document_id": document, "job_id": job}}
    pretty = json.dumps(message("hi"), indent=3).encode()
    return [
        signed("two messages in one session in one second (1)", "sentinel", message("hi")),
        signed("two messages in one session in one second (2)", "sentinel", message("bye")),
        valid("sentinel", "the first message indented otherwise keeps its key", pretty,
              signed_headers("sentinel", pretty)),
        signed("docintell ids joined cannot collide (1)", "docintell", uploaded("doc:a", "b")),
        signed("docintell ids joined cannot collide (2)", "docintell", uploaded("doc", "a:b")),
        signed("a % in an id is escaped too", "docintell", uploaded("doc%3Aa", "b")),
    ]
