# colorlog on the console, a plain file beside it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "colored": {
            "()": "colorlog.ColoredFormatter",
            "format": "%(log_color)s%(levelname)-8s%(reset)s %(name)s %(message)s",
            "log_colors": {"DEBUG": "cyan", "INFO": "green", "WARNING": "yellow", "ERROR": "red"},
        },
        "plain": {"format": "%(levelname)-8s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "colorlog.StreamHandler", "formatter": "colored"},
        "file": {"class": "logging.FileHandler", "filename": "plain.log", "formatter": "plain"},
    },
    "root": {"handlers": ["console", "file"], "level": "INFO"},
}
