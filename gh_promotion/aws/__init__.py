"""The AWS services gh-promotion uses: SSM for App credentials, S3 for reports.

Every module here imports boto3 inside its functions: a Lambda cold start
must not pay ~250 ms for boto3 unless SSM or S3 is actually used.
"""
