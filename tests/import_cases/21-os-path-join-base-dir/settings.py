# A settings file read as literals: the file name is code (os.path.join(BASE_DIR, ...)).
# The import writes "logs/app.log" under the log base dir, which this case sets to the
# folder BASE_DIR is (env).
import os

BASE_DIR = os.environ["CASE_DIR"]
os.makedirs(os.path.join(BASE_DIR, "logs"), exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "verbose": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "file": {
            "level": "INFO",
            "class": "logging.FileHandler",
            "filename": os.path.join(BASE_DIR, "logs", "app.log"),
            "formatter": "verbose",
        },
    },
    "loggers": {
        "orders": {"handlers": ["file"], "level": "INFO", "propagate": True},
    },
}
