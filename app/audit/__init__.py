"""The audit log (app.models.audit): written for every write and every refused write."""
