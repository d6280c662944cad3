# File names built from literals only: os.path.join("logs", "app.log") is relative to
# the working directory in Python, like "logs/app.log".
import os
from pathlib import Path

os.makedirs("logs", exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"f": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "a": {"class": "logging.FileHandler", "filename": os.path.join("logs", "app.log"), "formatter": "f"},
        "b": {"class": "logging.FileHandler", "filename": str(Path("logs") / "errors.log"), "formatter": "f", "level": "ERROR"},
    },
    "root": {"handlers": ["a", "b"], "level": "INFO"},
}
