# The root logger written as loggers["root"] (getLogger("root") is the root since
# Python 3.9), beside a top-level "root" that Python applies after the loggers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(name)s|%(levelname)s|%(message)s"}},
    "handlers": {
        "out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "f"},
        "err": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "f"},
    },
    "loggers": {
        "root": {"handlers": ["out"], "level": "DEBUG"},
        "app": {"handlers": ["out"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["err"], "level": "WARNING"},
}
