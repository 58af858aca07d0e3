"""The notifications blueprint on its own, so that every view module of the feature can import it without cycles."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
