# Misspelt keys: Python ignores them, so `propogate` leaves propagation on and
# `dusable_existing_loggers` leaves the default (True).
LOGGING = {
    "version": 1,
    "dusable_existing_loggers": False,
    "formatters": {"short": {"format": "%(name)s %(levelname)s %(message)s"}},
    "handlers": {
        "out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "short"},
        "err": {"class": "logging.StreamHandler", "formatter": "short"},
    },
    "loggers": {
        "billing": {"handlers": ["out"], "level": "INFO", "propogate": False},
    },
    "root": {"handlers": ["err"], "level": "WARNING"},
}
