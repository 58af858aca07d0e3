"""The periods blueprint on its own, so that its view module imports it without cycles."""
from flask import Blueprint

bp = Blueprint("periods", __name__)
