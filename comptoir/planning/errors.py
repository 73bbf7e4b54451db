"""Errors of the planning app (stable codes; the command, API and pages map them to one shape)."""
from comptoir.common.errors import DomainError, NotFound


class PlanningError(DomainError):
    code = "planning_error"


class UnknownMarket(NotFound):
    code = "planning_unknown_market"


class NoCities(PlanningError):
    code = "planning_no_cities"
    status = 422


class InvalidNewStores(PlanningError):
    code = "planning_invalid_new_stores"


class InvalidRadius(PlanningError):
    code = "planning_invalid_radius"


class InvalidObjective(PlanningError):
    code = "planning_invalid_objective"


class InvalidDetour(PlanningError):
    code = "planning_invalid_detour"


class InvalidCandidate(PlanningError):
    code = "planning_invalid_candidate"
