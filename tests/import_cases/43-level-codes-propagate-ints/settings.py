# Levels as logging.INFO etc., WARN and FATAL names, propagate as 0/1, ext://sys.stderr,
# a logger with an empty handler list, a dict(...) call.
import logging

LOGGING = dict(
    version=1,
    disable_existing_loggers=0,
    formatters={"f": dict(format="%(levelname)s:%(name)s:%(message)s")},
    handlers={
        "err": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "f", "level": logging.DEBUG},
        "file": {"class": "logging.FileHandler", "filename": "warn.log", "formatter": "f", "level": "WARN"},
    },
    loggers={
        "a": {"handlers": [], "level": logging.INFO, "propagate": 1},
        "a.b": {"handlers": ["file"], "level": "FATAL", "propagate": 0},
        "c": {"handlers": ["file"], "level": logging.WARNING, "propagate": 0},
    },
    root={"handlers": ["err"], "level": logging.ERROR},
)
