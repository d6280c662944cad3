# A QueueHandler whose QueueListener is started in code: the dict alone writes nothing.
import queue

LOG_QUEUE = queue.Queue(-1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "queue": {"class": "logging.handlers.QueueHandler", "queue": LOG_QUEUE},
        "console": {"class": "logging.StreamHandler", "level": "CRITICAL"},
    },
    "root": {"handlers": ["queue", "console"], "level": "INFO"},
}
