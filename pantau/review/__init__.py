"""The review web app: where a person confirms or rejects the matcher's leads.

``create_app(settings)`` (in ``pantau.review.app``) builds it; ``pantau review``
serves it with uvicorn.
"""
