# A handler's encoding and a formatter's explicit class.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"class": "logging.Formatter", "format": "%(levelname)-8s %(name)s | %(message)s"},
    },
    "handlers": {
        "file": {
            "class": "logging.FileHandler",
            "filename": "app.log",
            "encoding": "utf-8",
            "mode": "w",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["file"], "level": "INFO"},
}
