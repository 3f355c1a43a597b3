"""Queries the pages ask for, beside the models they read: views call these, never build SQL.

``reference`` (categories, work types, districts), ``people`` (staff), ``cases`` (the queue, a
case and its trail), ``works`` (the works registry, a crew's open works).
"""
