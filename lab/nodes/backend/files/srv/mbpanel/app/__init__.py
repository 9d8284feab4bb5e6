"""The MBPanel API as the reference lab runs it: FastAPI behind mod_wsgi."""
