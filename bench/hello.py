"""The baseline of every HTTP benchmark: a bare Flask "hello world" (DEVELOPERS.md, issue 13).

Served by gunicorn on the same settings as the app (deploy/gunicorn.conf.py), in the same
run, so a page's requests/s divided by this one's is a ratio the machine's load mostly
cancels out of.
"""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello, World!"
