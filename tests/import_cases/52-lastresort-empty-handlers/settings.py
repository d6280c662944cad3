# A logger that stops propagation and has no handlers: Python's lastResort prints its
# WARNING and above to stderr as the bare message. A level NOTSET logger under it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": "root.log"},
    },
    "loggers": {
        "quiet": {"handlers": [], "level": "DEBUG", "propagate": False},
        "quiet.inner": {"level": "NOTSET"},
        "noroute": {"level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["file"], "level": "INFO"},
}
