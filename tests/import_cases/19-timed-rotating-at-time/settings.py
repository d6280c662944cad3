# TimedRotatingFileHandler at midnight UTC, with atTime as a datetime.time.
import datetime

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "[%(asctime)s] %(levelname)s %(message)s"}},
    "handlers": {
        "daily": {
            "class": "logging.handlers.TimedRotatingFileHandler",
            "filename": "daily.log",
            "when": "midnight",
            "backupCount": 14,
            "utc": True,
            "atTime": datetime.time(2, 30),
            "formatter": "f",
        },
    },
    "root": {"handlers": ["daily"], "level": "INFO"},
}
