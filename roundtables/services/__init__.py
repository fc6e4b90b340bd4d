"""The write paths of the roundtables app, one module per area (events, outcomes).

Plain, typed functions: views and tasks call them; they check the business rules, write in one
transaction and record what happened. Permission checks stay in directory/permissions.py.
"""
