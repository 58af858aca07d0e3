"""Views of the benchmarks feature."""
from flask import Blueprint

bp = Blueprint("benchmarks", __name__)
