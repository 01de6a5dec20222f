"""The developer-guide import flow with boto3 (and requests for the PUT), against the local cloud."""
import json
import os
import sys
import time

import boto3
import requests

endpoint = os.environ["LOCAL_ENDPOINT"]
pool = os.environ["LOCAL_POOL_ID"]
role = "arn:aws:iam::111122223333:role/CognitoImportRole"
csv_body = sys.stdin.read().encode("utf-8")
client = boto3.client("cognito-idp", endpoint_url=endpoint, region_name="us-east-1")
out = {}

header = client.get_csv_header(UserPoolId=pool)
out["header"] = header["CSVHeader"]

job = client.create_user_import_job(JobName="Boto3-Job", UserPoolId=pool, CloudWatchLogsRoleArn=role)["UserImportJob"]
resp = requests.put(job["PreSignedUrl"], data=csv_body, headers={"x-amz-server-side-encryption": "aws:kms"})
out["put_status"] = resp.status_code
out["start_status"] = client.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]["Status"]
for _ in range(200):
    described = client.describe_user_import_job(UserPoolId=pool, JobId=job["JobId"])["UserImportJob"]
    if described["Status"] in ("Succeeded", "Failed", "Stopped", "Expired"):
        break
    time.sleep(0.05)
out["final"] = {k: described[k] for k in ("Status", "ImportedUsers", "SkippedUsers", "FailedUsers")}
out["creation_date_type"] = type(described["CreationDate"]).__name__

client.create_user_import_job(JobName="Boto3-Second", UserPoolId=pool, CloudWatchLogsRoleArn=role)
page1 = client.list_user_import_jobs(UserPoolId=pool, MaxResults=1)
page2 = client.list_user_import_jobs(UserPoolId=pool, MaxResults=1, PaginationToken=page1["PaginationToken"])
out["pages"] = [[j["JobId"] for j in page1["UserImportJobs"]], [j["JobId"] for j in page2["UserImportJobs"]]]

try:
    client.describe_user_import_job(UserPoolId=pool, JobId="import-doesnotexist")
except client.exceptions.ResourceNotFoundException:
    out["not_found"] = "ResourceNotFoundException"

try:
    client.start_user_import_job(UserPoolId=pool, JobId=job["JobId"])
except client.exceptions.InvalidParameterException as e:
    out["restart"] = "InvalidParameterException"

stop_job = client.create_user_import_job(JobName="Boto3-Stop", UserPoolId=pool, CloudWatchLogsRoleArn=role)["UserImportJob"]
requests.put(stop_job["PreSignedUrl"], data=csv_body, headers={"x-amz-server-side-encryption": "aws:kms"})
client.start_user_import_job(UserPoolId=pool, JobId=stop_job["JobId"])
client.stop_user_import_job(UserPoolId=pool, JobId=stop_job["JobId"])
for _ in range(200):
    s = client.describe_user_import_job(UserPoolId=pool, JobId=stop_job["JobId"])["UserImportJob"]
    if s["Status"] == "Stopped":
        break
    time.sleep(0.05)
out["stopped"] = {"Status": s["Status"], "CompletionMessage": s.get("CompletionMessage")}

users = client.list_users(UserPoolId=pool)["Users"]
out["users"] = sorted(u["Username"] for u in users)
out["user_status"] = client.admin_get_user(UserPoolId=pool, Username=out["users"][0])["UserStatus"]
print(json.dumps(out))
