"""A stand-in for python-json-logger: one JSON object per record with the format's
fields. Import cases that use it list the file as differing (logconf's JSON layout)."""
import json
import logging
import re


class JsonFormatter(logging.Formatter):
    def __init__(self, fmt=None, *args, **kwargs):
        super().__init__(fmt)
        self.fields = re.findall(r"%\((\w+)\)", fmt or "")

    def format(self, record):
        record.message = record.getMessage()
        if "asctime" in self.fields:
            record.asctime = self.formatTime(record)
        return json.dumps({f: getattr(record, f, None) for f in self.fields})
