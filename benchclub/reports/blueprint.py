"""The reports blueprint on its own, so that every view module of the feature can import it without cycles."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
