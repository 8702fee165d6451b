// Every real event of the corpus (tests/data/corpus, copied from
// /work/shared/corpus/events; sources in its README.md) normalizes with the
// expected provider, account, region, actor, operation, action, resource,
// status and time; files that are bad inputs are reported exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "tests/ingest/ingest_test_util.h"

namespace rdl::testing {
namespace {

// "-" means the field must be absent.
struct Expected {
  const char* file;  // under tests/data/corpus
  int record;        // index of the event in the file
  const char* values[11];
};

const char* const kColumns[11] = {"cloud.provider",
                                  "cloud.account.uid",
                                  "cloud.region",
                                  "actor.user.uid",
                                  "actor.user.type",
                                  "api.operation",
                                  "action",
                                  "resource.type",
                                  "resource.uid",
                                  "status",
                                  "time"};

const Expected kCorpus[] = {
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "logging-ebs-apis-using-cloudtrail.block0.StartSnapshot.json",
     0,
     {"aws", "123456789012", "eu-west-1", "arn:aws:iam::123456789012:root", "IAMUser",
      "StartSnapshot", "snapshot.create", "snapshot", "snap-123456789012", "success",
      "2020-07-03T23:27:26Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "logging-ebs-apis-using-cloudtrail.block1.CompleteSnapshot.json",
     0,
     {"aws", "123456789012", "eu-west-1", "arn:aws:iam::123456789012:root", "IAMUser",
      "CompleteSnapshot", "snapshot.modify", "snapshot", "snap-123456789012", "success",
      "2020-07-03T23:28:24Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "logging-ebs-apis-using-cloudtrail.block2.ListSnapshotBlocks.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/user", "IAMUser",
      "ListSnapshotBlocks", "snapshot.read", "snapshot", "snap-abcdef01234567890", "success",
      "2021-06-03T00:32:46Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "logging-ebs-apis-using-cloudtrail.block3.ListChangedBlocks.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/user", "IAMUser",
      "ListChangedBlocks", "snapshot.read", "snapshot", "snap-9876543210abcdef0", "success",
      "2021-06-02T21:11:46Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "logging-ebs-apis-using-cloudtrail.block4.GetSnapshotBlock.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/user", "IAMUser",
      "GetSnapshotBlock", "snapshot.read", "snapshot", "snap-abcdef01234567890", "success",
      "2021-06-02T20:43:05Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "logging-ebs-apis-using-cloudtrail.block5.PutSnapshotBlock.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/user", "IAMUser",
      "PutSnapshotBlock", "snapshot.modify", "snapshot", "snap-abcdef01234567890", "success",
      "2021-06-02T21:09:17Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/"
     "monitor-with-cloudtrail.block0.Records-TerminateInstances.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:root", "Root",
      "TerminateInstances", "instance.delete", "instance", "i-1a2b3c4d", "success",
      "2016-05-20T08:27:45Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/monitor-with-cloudtrail.block1.SendSSHPublicKey.json",
     0,
     {"aws", "0987654321", "us-west-2", "arn:aws:iam::1234567890120:user/IAM-friendly-name",
      "IAMUser", "SendSSHPublicKey", "instance.connect", "instance", "i-0123456789EXAMPLE",
      "success", "2018-09-21T21:38:00Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/recycle-bin-ct.block0.CreateRule.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:root", "AssumedRole",
      "CreateRule", "-", "-", "-", "success", "2021-08-02T21:45:22Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/recycle-bin-ct.block3.UpdateRule.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:root", "AssumedRole",
      "UpdateRule", "-", "-", "-", "success", "2021-08-02T21:46:03Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/recycle-bin-ct.block4.DeleteRule.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:root", "AssumedRole",
      "DeleteRule", "-", "-", "-", "success", "2021-08-02T21:46:25Z"}},
    {"aws/awsdocs-amazon-ec2-user-guide/recycle-bin-ct.block9.UnlockRule.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:root", "AssumedRole",
      "UnlockRule", "-", "-", "-", "success", "2022-10-25T00:46:17Z"}},
    {"aws/awsdocs-aws-cloudtrail-user-guide/"
     "cloudtrail-log-file-examples.block2.Records-StartInstances.json",
     0,
     {"aws", "123456789012", "us-east-2", "arn:aws:iam::123456789012:user/Alice", "IAMUser",
      "StartInstances", "instance.start", "instance", "i-ebeaf9e2", "success",
      "2014-03-06T21:22:54Z"}},
    {"aws/awsdocs-aws-cloudtrail-user-guide/"
     "cloudtrail-log-file-examples.block3.Records-StopInstances.json",
     0,
     {"aws", "123456789012", "us-east-2", "arn:aws:iam::123456789012:user/Alice", "IAMUser",
      "StopInstances", "instance.stop", "instance", "i-ebeaf9e2", "success",
      "2014-03-06T21:01:59Z"}},
    {"aws/awsdocs-aws-cloudtrail-user-guide/"
     "cloudtrail-log-file-examples.block4.Records-CreateKeyPair.json",
     0,
     {"aws", "123456789012", "us-east-2", "arn:aws:iam::123456789012:user/Alice", "IAMUser",
      "CreateKeyPair", "-", "-", "-", "success", "2014-03-06T17:10:34Z"}},
    {"aws/awsdocs-aws-kms-developer-guide/"
     "ct-ec2one.block0.Records-CreateVolume-GenerateDataKeyWithoutPlaintext.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::111122223333:user/Alice", "IAMUser",
      "CreateVolume", "volume.create", "volume", "vol-13439757", "success",
      "2014-11-05T20:50:18Z"}},
    {"aws/awsdocs-aws-kms-developer-guide/"
     "ct-ec2one.block0.Records-CreateVolume-GenerateDataKeyWithoutPlaintext.json",
     1,
     {"aws", "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/Alice", "IAMUser",
      "GenerateDataKeyWithoutPlaintext", "-", "-", "-", "success", "2014-11-05T20:50:19Z"}},
    {"aws/awsdocs-aws-kms-developer-guide/"
     "ct-ec2two.block0.Records-RunInstances-CreateGrant-GenerateDataKeyWithoutPlaintext-Decrypt."
     "json",
     0,
     {"aws", "111122223333", "us-west-2", "arn:aws:iam::111122223333:user/Alice", "IAMUser",
      "RunInstances", "instance.create", "instance", "i-81e2f56c", "success",
      "2014-11-05T21:35:27Z"}},
    {"aws/awsdocs-aws-kms-developer-guide/"
     "ct-ec2two.block0.Records-RunInstances-CreateGrant-GenerateDataKeyWithoutPlaintext-Decrypt."
     "json",
     1,
     {"aws", "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/Alice", "IAMUser",
      "CreateGrant", "-", "-", "-", "success", "2014-11-05T21:35:35Z"}},
    {"aws/awsdocs-aws-kms-developer-guide/"
     "ct-ec2two.block0.Records-RunInstances-CreateGrant-GenerateDataKeyWithoutPlaintext-Decrypt."
     "json",
     2,
     {"aws", "111122223333", "us-east-1", "arn:aws:iam::111122223333:user/Alice", "IAMUser",
      "GenerateDataKeyWithoutPlaintext", "-", "-", "-", "success", "2014-11-05T21:35:32Z"}},
    {"aws/awsdocs-aws-kms-developer-guide/"
     "ct-ec2two.block0.Records-RunInstances-CreateGrant-GenerateDataKeyWithoutPlaintext-Decrypt."
     "json",
     3,
     {"aws", "111122223333", "us-east-1",
      "arn:aws:sts::111122223333:assumed-role/aws:ec2-infrastructure/i-81e2f56c", "AssumedRole",
      "Decrypt", "-", "-", "-", "success", "2014-11-05T21:35:47Z"}},
    {"aws/awsdocs-service-quotas-user-guide/"
     "logging-using-cloudtrail.block0.RequestServiceQuotaIncrease.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/admin", "IAMUser",
      "RequestServiceQuotaIncrease", "quota.increase", "quota",
      "arn:aws:servicequotas:us-east-1:123456789012:ec2/L-CEED54BB", "success",
      "2022-01-24T17:00:15Z"}},
    {"aws/awsdocs-service-quotas-user-guide/"
     "logging-using-cloudtrail.block1.UpdateServiceQuotaIncreaseRequestStatus.json",
     0,
     {"aws", "123456789012", "us-east-1", "servicequotas.amazonaws.com", "AWSService",
      "UpdateServiceQuotaIncreaseRequestStatus", "-", "-", "-", "success", "2022-01-24T17:02:17Z"}},
    {"aws/cloud-custodian/event-cloud-trail-create-db.json",
     0,
     {"aws", "101010101111", "us-east-1", "arn:aws::sts:101010101111:assumed-role/UserRole/userid",
      "AssumedRole", "CreateDBInstance", "instance.create", "db_instance", "onenessdb", "success",
      "2016-02-11T21:58:38Z"}},
    {"aws/cloud-custodian/event-cloud-trail-create-volume.json",
     0,
     {"aws", "101010101111", "us-east-1", "arn:aws::sts:101010101111:assumed-role/UserRole/userid",
      "IAMUser", "CreateVolume", "volume.create", "volume", "vol-97c02b3e", "success",
      "2016-02-11T15:31:57Z"}},
    {"aws/cloud-custodian/event-cloud-trail-run-instance-creator-assumed.json",
     0,
     {"aws", "644160558196", "us-east-1",
      "arn:aws:sts::03412312600:assumed-role/GR_Dev_Developer/Radiant", "AssumedRole",
      "RunInstances", "instance.create", "instance", "i-0f7c711dc84bedda0", "success",
      "2016-07-24T10:57:13Z"}},
    {"aws/cloud-custodian/event-cloud-trail-run-instance-creator.json",
     0,
     {"aws", "644160558196", "us-east-1", "arn:aws:iam::644160558196:user/c7nbot", "IAMUser",
      "RunInstances", "instance.create", "instance", "i-0f7c711dc84bedda0", "success",
      "2016-07-24T10:57:13Z"}},
    {"aws/cloud-custodian/event-cloud-trail-run-instances.json",
     0,
     {"aws", "619193117841", "us-west-1", "arn:aws:iam::619193117841:root", "Root", "RunInstances",
      "instance.create", "instance", "i-784cdacd", "success", "2016-05-21T16:11:14Z"}},
    {"aws/cloud-custodian/event-cloud-trail-s3.json",
     0,
     {"aws", "101010101111", "us-east-1", "arn:aws:sts::101010101111:assumed-role/Sandbox_Dev/user",
      "AssumedRole", "CreateBucket", "-", "-", "-", "success", "2015-11-23T07:45:25Z"}},
    {"aws/elastic-integrations/test-get-password-data-json.log.json",
     0,
     {"aws", "000000000", "us-east-1", "arn:aws:iam::000000000:user/test@elastic.co", "IAMUser",
      "GetPasswordData", "instance.connect", "instance", "i-003e90a87a9e72f06", "success",
      "2024-10-11T12:28:40Z"}},
    {"aws/elastic-integrations/test-modify-db-cluster-snapshot-attribute-json.log.json",
     0,
     {"aws", "000000000", "us-east-1", "arn:aws:iam::000000000:user/test@elastic.co", "IAMUser",
      "ModifyDBClusterSnapshotAttribute", "snapshot.modify", "db_cluster_snapshot",
      "test-cloudtrail-event-instance-29973-cluster-snap", "success", "2024-10-09T14:09:46Z"}},
    {"aws/elastic-integrations/test-modify-db-snapshot-attributte-json.log.json",
     0,
     {"aws", "000000000", "us-east-1", "arn:aws:iam::000000000:user/test@elastic.co", "IAMUser",
      "ModifyDBSnapshotAttribute", "snapshot.modify", "db_snapshot",
      "test-cloudtrail-event-instance-29973-snap", "success", "2024-10-09T14:18:02Z"}},
    {"aws/elastic-integrations/test-modify-image-attribute-json.log.json",
     0,
     {"aws", "000000000", "us-east-1", "arn:aws:iam::000000000:user/test@elastic.co", "IAMUser",
      "ModifyImageAttribute", "image.modify", "image", "ami-0beb42caf02660314", "success",
      "2024-10-10T14:50:40Z"}},
    {"aws/elastic-integrations/test-modify-snapshot-attribute-json.log.json",
     0,
     {"aws", "000000000", "us-east-1", "arn:aws:iam::000000000:user/test@elastic.co", "IAMUser",
      "ModifySnapshotAttribute", "snapshot.modify", "snapshot", "snap-0a392d80692e2526a", "success",
      "2024-10-15T08:33:45Z"}},
    {"aws/elastic-integrations/test-restore-db-instnace-from-snapshot-json.log.json",
     0,
     {"aws", "000000000", "us-east-1", "arn:aws:iam::000000000:user/test@elastic.co", "IAMUser",
      "RestoreDBInstanceFromDBSnapshot", "snapshot.restore", "db_instance",
      "test-cloudtrail-event-instance-31611-restored", "success", "2024-10-10T15:25:07Z"}},
    {"aws/elastic-integrations/test-run-instances-json.log.json",
     0,
     {"aws", "1010101010101", "us-east-1",
      "arn:aws:iam::1010101010101:user/testcloudtrail@elastic.co", "IAMUser", "RunInstances",
      "instance.create", "instance", "i-0f2f135de18b555e3", "success", "2024-09-11T09:28:29Z"}},
    {"aws/elastic-integrations/test-terminate-instances-json.log.json",
     0,
     {"aws", "111111111111", "us-east-2", "arn:aws:iam::111111111111:user/services/example",
      "IAMUser", "TerminateInstances", "instance.delete", "instance", "i-00000000000000000",
      "success", "2025-03-07T00:37:45Z"}},
    {"aws/panther-analysis/aws_ami_modified_for_public_access__00__AMI_Made_Public.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "AssumedRole",
      "ModifyImageAttribute", "image.modify", "image", "ami-1111", "success",
      "2019-01-01T00:00:00Z"}},
    {"aws/panther-analysis/aws_ami_modified_for_public_access__01__AMI_Not_Made_Public.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "AssumedRole",
      "ModifyImageAttribute", "image.modify", "image", "ami-1111", "success",
      "2019-01-01T00:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_ami_modified_for_public_access__02__AMI_Launch_Permissions_Not_Modified.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "AssumedRole",
      "ModifyImageAttribute", "image.modify", "image", "ami-1111", "success",
      "2019-01-01T00:00:00Z"}},
    {"aws/panther-analysis/aws_ami_modified_for_public_access__03__AMI_Added_to_User.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "AssumedRole",
      "ModifyImageAttribute", "image.modify", "image", "ami-1111", "success",
      "2019-01-01T00:00:00Z"}},
    {"aws/panther-analysis/aws_ami_modified_for_public_access__04__Error_Making_AMI_Public.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "AssumedRole",
      "ModifyImageAttribute", "image.modify", "image", "ami-1111", "failure",
      "2019-01-01T00:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_ami_modified_for_public_access__05__Access_Granted_To_Unknown_User.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "AssumedRole",
      "ModifyImageAttribute", "image.modify", "image", "ami-1111", "success",
      "2019-01-01T00:00:00Z"}},
    {"aws/panther-analysis/aws_ec2_download_instance_user_data__00__Unsuccessful_Attempt.json",
     0,
     {"aws", "111122223333", "us-west-2",
      "arn:aws:sts::111122223333:assumed-role/SampleRole/sample-session", "AssumedRole",
      "DescribeInstanceAttribute", "instance.read_metadata", "instance", "i-12345678", "failure",
      "2024-12-11T21:49:07Z"}},
    {"aws/panther-analysis/aws_ec2_download_instance_user_data__01__Successful_Attempt.json",
     0,
     {"aws", "111122223333", "us-west-2",
      "arn:aws:sts::111122223333:assumed-role/SampleRole/sample-session", "AssumedRole",
      "DescribeInstanceAttribute", "instance.read_metadata", "instance", "i-1234567890abcdefa",
      "success", "2024-12-12T21:44:35Z"}},
    {"aws/panther-analysis/"
     "aws_ec2_download_instance_user_data__02__Panther_Cloud_Security_Scanning.json",
     0,
     {"aws", "123412341234", "us-west-2",
      "arn:aws:sts::123412341234:assumed-role/PantherAuditRole-us-east-1/12341234123412341234",
      "AssumedRole", "DescribeInstanceAttribute", "instance.read_metadata", "instance",
      "i-1234123412341234", "success", "2025-02-09T20:29:17Z"}},
    {"aws/panther-analysis/aws_ec2_ebs_encryption_disabled__01__Non_Matching_Event.json",
     0,
     {"aws", "-", "ap-northeast-1", "-", "-", "DescribeInstanceStatus", "-", "-", "-", "success",
      "2022-09-25T16:16:37Z"}},
    {"aws/panther-analysis/aws_ec2_launch_unusual_ec2_instances__00__Successful_Unusual_EC2.json",
     0,
     {"aws", "111122223333", "us-west-2",
      "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
      "AssumedRole", "RunInstances", "instance.create", "instance", "i-07d06021b0da55115",
      "success", "2024-12-16T18:41:07Z"}},
    {"aws/panther-analysis/aws_ec2_launch_unusual_ec2_instances__01__Failed_Unusual_EC2.json",
     0,
     {"aws", "900138736586", "ca-south-3r",
      "arn:aws:sts::900138736586:assumed-role/stratus-red-team-ec2lui-role-idtzskbvtd/"
      "aws-go-sdk-1722511821294449000",
      "AssumedRole", "RunInstances", "instance.create", "instance", "-", "failure",
      "2024-08-01T11:30:23Z"}},
    {"aws/panther-analysis/"
     "aws_ec2_launch_unusual_ec2_instances__02__Successful_Unusual_EC2_Dictionary.json",
     0,
     {"aws", "111122223333", "us-west-2",
      "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
      "AssumedRole", "RunInstances", "instance.create", "instance", "i-07d06021b0da55115",
      "success", "2024-12-16T18:41:07Z"}},
    {"aws/panther-analysis/aws_ec2_monitoring__00__CopyImage.json",
     0,
     {"aws", "123456789101", "us-east-1",
      "arn:aws:sts::123456789101:assumed-role/DevAdministrator/test_user", "AssumedRole",
      "CreateImage", "image.create", "image", "ami-06aaf5e4b77161786", "success",
      "2022-09-29T22:25:17Z"}},
    {"aws/panther-analysis/aws_ec2_monitoring__01__RunInstance.json",
     0,
     {"aws", "123123123123", "us-east-1",
      "arn:aws:sts::123123123123:assumed-role/DevAdministrator/temp_user", "AssumedRole",
      "RunInstances", "instance.create", "instance", "i-0d7e4b9be8a0de6ea", "success",
      "2022-10-20T14:16:43Z"}},
    {"aws/panther-analysis/aws_ec2_monitoring__02__RunInstance_Dry_Run.json",
     0,
     {"aws", "123123123123", "us-west-2",
      "arn:aws:sts::123123123123:assumed-role/AWSServiceRoleForAmazonEKSNodegroup/EKS",
      "AssumedRole", "RunInstances", "instance.create", "instance", "-", "failure",
      "2022-10-13T16:35:33Z"}},
    {"aws/panther-analysis/aws_ec2_monitoring__03__CopyImage_UserIdentity_Null.json",
     0,
     {"aws", "123456789101", "us-east-1",
      "arn:aws:sts::123456789101:assumed-role/DevAdministrator/test_user", "AssumedRole",
      "CreateImage", "image.create", "image", "ami-06aaf5e4b77161786", "success",
      "2022-09-29T22:25:17Z"}},
    {"aws/panther-analysis/aws_ec2_stopinstances__00__CloudTrail_Instances_Were_Stopped.json",
     0,
     {"aws", "777788889999", "us-east-1", "arn:aws:iam::777788889999:user/Nikki", "IAMUser",
      "StopInstances", "instance.stop", "instance", "i-EXAMPLE56126103cb", "success",
      "2023-07-19T21:14:20Z"}},
    {"aws/panther-analysis/aws_ec2_stopinstances__01__CloudTrail_Instances_Were_Started.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/Mateo", "IAMUser",
      "StartInstances", "instance.start", "instance", "i-EXAMPLE56126103cb", "success",
      "2023-07-19T21:17:28Z"}},
    {"aws/panther-analysis/aws_ec2_stopinstances__02__Error_Stopping_CloudTrail_Instances.json",
     0,
     {"aws", "777788889999", "us-east-1", "arn:aws:iam::777788889999:user/Nikki", "IAMUser",
      "StopInstances", "instance.stop", "instance", "i-EXAMPLE56126103cb", "failure",
      "2023-07-19T21:14:20Z"}},
    {"aws/panther-analysis/"
     "aws_ec2_vulnerable_xz_image_launched__00__Single_vulnerable_AMI_Launched.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/user.name",
      "AssumedRole", "RunInstances", "instance.create", "instance", "i-00000000000000000",
      "success", "2024-04-02T15:13:06Z"}},
    {"aws/panther-analysis/"
     "aws_ec2_vulnerable_xz_image_launched__01__Multiple_vulnerable_AMIs_Launched.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/user.name",
      "AssumedRole", "RunInstances", "instance.create", "instance", "i-00000000000000000",
      "success", "2024-04-02T16:46:24Z"}},
    {"aws/panther-analysis/"
     "aws_ec2_vulnerable_xz_image_launched__02__Non_vulnerable_AMI_Launched.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/user.name",
      "AssumedRole", "RunInstances", "instance.create", "instance", "i-00000000000000000",
      "success", "2024-04-02T15:13:06Z"}},
    {"aws/panther-analysis/aws_rds_automated_backup_deleted__00__Automated_Backup_Deleted.json",
     0,
     {"aws", "123456789012", "us-east-1",
      "arn:aws:sts::123456789012:assumed-role/CompromisedRole/attacker", "AssumedRole",
      "DeleteDBInstanceAutomatedBackup", "backup.delete", "db_automated_backup",
      "db-ABCDEF1234567890", "success", "2024-01-16T10:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_automated_backup_deleted__01__Cluster_Automated_Backup_Deleted.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:user/malicious-user",
      "IAMUser", "DeleteDBClusterAutomatedBackup", "backup.delete", "db_automated_backup",
      "cluster-GHIJKL9876543210", "success", "2024-01-16T10:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_automated_backup_deleted__02__Automated_Backup_Deletion_Failed.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "DeleteDBInstanceAutomatedBackup", "backup.delete", "db_automated_backup",
      "db-ABCDEF1234567890", "failure", "2024-01-16T10:00:00Z"}},
    {"aws/panther-analysis/aws_rds_automated_backup_deleted__03__Different_RDS_Event.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "CreateDBInstanceReadReplica", "instance.create", "db_instance",
      "replica-instance", "success", "2024-01-16T10:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_deletion_protection_disabled__00__RDS_Instance_Deletion_Protection_Disabled.json",
     0,
     {"aws", "123456789012", "us-east-1",
      "arn:aws:sts::123456789012:assumed-role/PowerUserRole/user", "AssumedRole",
      "ModifyDBInstance", "instance.modify", "db_instance", "production-mysql", "success",
      "2024-01-15T18:20:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_deletion_protection_disabled__01__RDS_Cluster_Deletion_Protection_Disabled_with_"
     "Backup_Changes.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:user/contractor", "IAMUser",
      "ModifyDBCluster", "instance.modify", "db_cluster", "aurora-production", "success",
      "2024-01-15T18:20:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_deletion_protection_disabled__02__RDS_Deletion_Protection_Disabled_and_Made_Public_"
     "Critical.json",
     0,
     {"aws", "123456789012", "us-east-1",
      "arn:aws:sts::123456789012:assumed-role/CompromisedRole/attacker", "AssumedRole",
      "ModifyDBInstance", "instance.modify", "db_instance", "customer-database", "success",
      "2024-01-15T18:20:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_deletion_protection_disabled__03__RDS_Deletion_Protection_Enabled_No_Alert.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/AdminRole/admin",
      "AssumedRole", "ModifyDBInstance", "instance.modify", "db_instance", "production-db",
      "success", "2024-01-15T18:20:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_deletion_protection_disabled__04__RDS_Modification_Without_Deletion_Protection_"
     "Change.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/DBARole/dba",
      "AssumedRole", "ModifyDBInstance", "instance.modify", "db_instance", "production-db",
      "success", "2024-01-15T18:20:00Z"}},
    {"aws/panther-analysis/aws_rds_deletion_protection_disabled__05__RDS_Modification_Failed.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "ModifyDBInstance", "instance.modify", "db_instance", "production-db", "failure",
      "2024-01-15T18:20:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_instance_deletion__00__RDS_Instance_Deleted_With_Final_Snapshot.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/DBARole/admin",
      "AssumedRole", "DeleteDBInstance", "instance.delete", "db_instance", "production-mysql-db",
      "success", "2024-01-15T14:30:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_instance_deletion__01__RDS_Instance_Deleted_Without_Final_Snapshot_Critical.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:user/contractor", "IAMUser",
      "DeleteDBInstance", "instance.delete", "db_instance", "customer-data-db", "success",
      "2024-01-15T14:30:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_deletion__02__RDS_Cluster_Deleted.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "DeleteDBCluster", "instance.delete", "db_cluster", "aurora-cluster-prod",
      "success", "2024-01-15T15:00:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_deletion__03__RDS_Deletion_Failed_Access_Denied.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "DeleteDBInstance", "instance.delete", "db_instance", "production-db", "failure",
      "2024-01-15T14:30:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_deletion__04__Different_RDS_Event.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "ModifyDBInstance", "instance.modify", "db_instance", "my-db", "success",
      "2024-01-15T14:30:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_made_public__00__RDS_Instance_Made_Public.json",
     0,
     {"aws", "123456789012", "us-east-1",
      "arn:aws:sts::123456789012:assumed-role/DeveloperRole/developer", "AssumedRole",
      "ModifyDBInstance", "instance.modify", "db_instance", "production-db", "success",
      "2024-01-15T16:45:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_instance_made_public__01__RDS_Cluster_Made_Public_with_Security_Group_Changes.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:user/contractor", "IAMUser",
      "ModifyDBCluster", "instance.modify", "db_cluster", "aurora-cluster", "success",
      "2024-01-15T16:45:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_instance_made_public__02__RDS_Instance_Made_Private_No_Alert.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/AdminRole/admin",
      "AssumedRole", "ModifyDBInstance", "instance.modify", "db_instance", "production-db",
      "success", "2024-01-15T16:45:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_instance_made_public__03__RDS_Modification_Without_Public_Access_Change.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/DBARole/user",
      "AssumedRole", "ModifyDBInstance", "instance.modify", "db_instance", "production-db",
      "success", "2024-01-15T16:45:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_made_public__04__RDS_Modification_Failed.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "ModifyDBInstance", "instance.modify", "db_instance", "production-db", "failure",
      "2024-01-15T16:45:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_rebooted__00__DB_Instance_Rebooted.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/DBARole/admin",
      "AssumedRole", "RebootDBInstance", "instance.reboot", "db_instance", "production-mysql",
      "success", "2024-01-18T02:00:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_rebooted__01__DB_Cluster_Rebooted_with_Failover.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:user/operator", "IAMUser",
      "RebootDBCluster", "instance.reboot", "db_cluster", "aurora-cluster-prod", "success",
      "2024-01-18T02:00:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_rebooted__02__Reboot_Failed.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "RebootDBInstance", "instance.reboot", "db_instance", "production-db", "failure",
      "2024-01-18T02:00:00Z"}},
    {"aws/panther-analysis/aws_rds_instance_rebooted__03__Different_RDS_Event.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "StartDBInstance", "instance.start", "db_instance", "dev-database", "success",
      "2024-01-18T02:00:00Z"}},
    {"aws/panther-analysis/aws_rds_manual_snapshot_created__00__Manual_Snapshot_Created.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/fake.user",
      "AssumedRole", "CreateDBSnapshot", "snapshot.create", "db_snapshot", "exfiltration",
      "success", "2023-12-08T14:55:19Z"}},
    {"aws/panther-analysis/aws_rds_manual_snapshot_created__01__Public_Snapshot_Created.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/fake.user",
      "AssumedRole", "CreateDBSnapshot", "snapshot.create", "db_snapshot", "exfiltration",
      "success", "2023-12-08T14:55:19Z"}},
    {"aws/panther-analysis/aws_rds_manual_snapshot_created__02__Automated_Snapshot_Created.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/fake.user",
      "AssumedRole", "CreateDBSnapshot", "snapshot.create", "db_snapshot", "exfiltration",
      "success", "2023-12-08T14:55:19Z"}},
    {"aws/panther-analysis/aws_rds_manual_snapshot_created__03__Awsbackup_Snapshot_Created.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:sts::123456789012:assumed-role/ARole/fake.user",
      "AssumedRole", "CreateDBSnapshot", "snapshot.create", "db_snapshot", "exfiltration",
      "success", "2023-12-08T14:55:19Z"}},
    {"aws/panther-analysis/aws_rds_publicrestore__00__Not_Restore_RDS_Request.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/johndoe", "IAMUser",
      "CreateDBInstance", "instance.create", "db_instance", "test-instance", "success",
      "2018-07-30T22:14:06Z"}},
    {"aws/panther-analysis/aws_rds_publicrestore__01__RDS_Restore_Not_Public.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/johndoe", "IAMUser",
      "RestoreDBInstanceFromDBSnapshot", "snapshot.restore", "db_instance", "test-instance",
      "success", "2018-07-30T22:14:06Z"}},
    {"aws/panther-analysis/aws_rds_publicrestore__02__RDS_Restore_Public.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/johndoe", "IAMUser",
      "RestoreDBInstanceFromDBSnapshot", "snapshot.restore", "db_instance", "test-instance",
      "success", "2018-07-30T22:14:06Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_copied_cross_region__00__Snapshot_Copied_Cross_Region.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/DeveloperRole/user", "AssumedRole", "CopyDBSnapshot",
      "snapshot.copy", "db_snapshot", "prod-backup-2024-copy", "success", "2024-01-17T11:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_copied_cross_region__01__Cluster_Snapshot_Copied_Cross_Region.json",
     0,
     {"aws", "123456789012", "eu-west-1", "arn:aws:iam::123456789012:user/contractor", "IAMUser",
      "CopyDBClusterSnapshot", "snapshot.copy", "db_cluster_snapshot", "aurora-prod-backup-eu",
      "success", "2024-01-17T11:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_copied_cross_region__02__Snapshot_Copied_Within_Same_Region_No_Alert.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/AdminRole/admin",
      "AssumedRole", "CopyDBSnapshot", "snapshot.copy", "db_snapshot", "copy-of-snapshot",
      "success", "2024-01-17T11:00:00Z"}},
    {"aws/panther-analysis/aws_rds_snapshot_copied_cross_region__03__Copy_Failed.json",
     0,
     {"aws", "123456789012", "us-west-2", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "CopyDBSnapshot", "snapshot.copy", "db_snapshot", "prod-backup-copy", "failure",
      "2024-01-17T11:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_enumeration__00__Snapshot_Enumeration_with_Public_Flag.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/researcher", "IAMUser",
      "DescribeDBSnapshots", "-", "-", "-", "success", "2024-01-18T05:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_enumeration__01__Cluster_Snapshot_Enumeration_with_Shared_Flag.json",
     0,
     {"aws", "123456789012", "us-west-2",
      "arn:aws:sts::123456789012:assumed-role/SecurityAuditor/user", "AssumedRole",
      "DescribeDBClusterSnapshots", "-", "-", "-", "success", "2024-01-18T05:00:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_enumeration__02__Normal_Snapshot_Query_No_Public_or_Shared_Flag.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/DBARole/admin",
      "AssumedRole", "DescribeDBSnapshots", "-", "-", "-", "success", "2024-01-18T05:00:00Z"}},
    {"aws/panther-analysis/aws_rds_snapshot_enumeration__03__Query_Failed.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "DescribeDBSnapshots", "-", "-", "-", "failure", "2024-01-18T05:00:00Z"}},
    {"aws/panther-analysis/aws_rds_snapshot_export__00__RDS_Snapshot_Export_Started.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "StartExportTask", "snapshot.export", "db_snapshot",
      "arn:aws:rds:us-east-1:123456789012:snapshot:my-db-snapshot", "success",
      "2024-01-15T10:30:00Z"}},
    {"aws/panther-analysis/"
     "aws_rds_snapshot_export__01__RDS_Snapshot_Export_to_Suspicious_Bucket.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:iam::123456789012:user/developer", "IAMUser",
      "StartExportTask", "snapshot.export", "db_snapshot",
      "arn:aws:rds:us-east-1:123456789012:snapshot:production-db-snapshot", "success",
      "2024-01-15T10:30:00Z"}},
    {"aws/panther-analysis/aws_rds_snapshot_export__02__RDS_Snapshot_Export_Failed.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "StartExportTask", "snapshot.export", "db_snapshot",
      "arn:aws:rds:us-east-1:123456789012:snapshot:my-db-snapshot", "failure",
      "2024-01-15T10:30:00Z"}},
    {"aws/panther-analysis/aws_rds_snapshot_export__03__Different_RDS_Event.json",
     0,
     {"aws", "123456789012", "us-east-1", "arn:aws:sts::123456789012:assumed-role/Admin/user",
      "AssumedRole", "CreateDBSnapshot", "snapshot.create", "db_snapshot", "my-snapshot", "success",
      "2024-01-15T10:30:00Z"}},
    {"aws/panther-analysis/aws_snapshot_backup_exfiltration__00__Modified_Snapshot_Attribute.json",
     0,
     {"aws", "12345", "us-east-1", "arn:aws:sts::12345:assumed-role/aa/b", "AssumedRole",
      "ModifySnapshotAttribute", "snapshot.modify", "snapshot", "snap-12345", "success",
      "2022-09-29T22:28:40Z"}},
    {"aws/panther-analysis/aws_snapshot_backup_exfiltration__01__other_ec2_event.json",
     0,
     {"aws", "12345", "us-east-1", "arn:aws:sts::12345/aa", "AssumedRole", "TerminateInstances",
      "instance.delete", "instance", "i-12345", "success", "2022-09-29T22:27:40Z"}},
    {"aws/plaso/aws_cloudtrail.line01.DescribeInstances.json",
     0,
     {"aws", "012345678901", "ap-southeast-2", "arn:aws:iam::012345678901:user/fakeusername",
      "IAMUser", "DescribeInstances", "-", "-", "-", "success", "2022-02-07T22:23:37Z"}},
    {"aws/plaso/aws_cloudtrail.line02.TerminateInstances.json",
     0,
     {"aws", "012345678901", "ap-southeast-2", "arn:aws:iam::012345678901:user/fakeusername",
      "IAMUser", "TerminateInstances", "instance.delete", "instance", "i-01234567890123456",
      "success", "2022-02-07T22:23:18Z"}},
    {"aws/plaso/aws_cloudtrail.line03.StopInstances.json",
     0,
     {"aws", "012345678901", "ap-southeast-2", "arn:aws:iam::012345678901:user/fakeusername",
      "IAMUser", "StopInstances", "instance.stop", "instance", "i-01234567890123456", "success",
      "2022-02-07T22:23:03Z"}},
    {"aws/plaso/aws_cloudtrail.line04.SharedSnapshotVolumeCreated.json",
     0,
     {"aws", "012345678901", "ap-southeast-2", "ec2.amazonaws.com", "AWSService",
      "SharedSnapshotVolumeCreated", "volume.create", "volume", "-", "success",
      "2022-02-07T22:19:07Z"}},
    {"aws/plaso/aws_cloudtrail.line05.RunInstances.json",
     0,
     {"aws", "012345678901", "ap-southeast-2", "arn:aws:iam::012345678901:user/fakeusername",
      "IAMUser", "RunInstances", "instance.create", "instance", "i-01234567890123456", "success",
      "2022-02-07T22:19:05Z"}},
    {"aws/plaso/aws_cloudtrail.line06.CreateSecurityGroup.json",
     0,
     {"aws", "012345678901", "ap-southeast-2", "arn:aws:iam::012345678901:user/fakeusername",
      "IAMUser", "CreateSecurityGroup", "-", "-", "-", "success", "2022-02-07T22:19:04Z"}},
    {"azure/elastic-beats/activitylogs.log.json",
     0,
     {"azure", "8a4de8b5-095c-47d0-a96f-a75130c61d53", "global",
      "8a4de8b5-095c-47d0-a96f-a75130c61d53", "ServicePrincipal",
      "MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION", "-", "-",
      "/SUBSCRIPTIONS/8a4de8b5-095c-47d0-a96f-a75130c61d53/RESOURCEGROUPS/SA-HEMA/PROVIDERS/"
      "MICROSOFT.EVENTHUB/NAMESPACES/AZURELSEVENTS/AUTHORIZATIONRULES/ROOTMANAGESHAREDACCESSKEY",
      "pending", "2019-10-24T00:13:46.3554259Z"}},
    {"azure/elastic-beats/supporttickets_write.log.json",
     0,
     {"azure", "s1", "global", "admin@contoso.com", "User",
      "Microsoft.Support/supportTickets/write", "quota.increase", "quota",
      "/subscriptions/s1/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/"
      "115012112305841",
      "success", "2015-01-21T22:14:26.9792776Z"}},
    {"azure/panther-analysis/azure_disk_deleted__00__Disk_Deleted_Successfully.json",
     0,
     {"azure", "12345678-1234-1234-1234-123456789abc", "eastus", "-", "-",
      "Microsoft.Compute/disks/delete", "volume.delete", "volume",
      "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/myresourcegroup/"
      "providers/Microsoft.Compute/disks/mydisk",
      "success", "2024-12-17T10:30:00Z"}},
    {"azure/panther-analysis/azure_disk_deleted__01__Case_Insensitive_Match.json",
     0,
     {"azure", "12345678-1234-1234-1234-123456789abc", "westus", "-", "-",
      "Microsoft.Compute/disks/delete", "volume.delete", "volume",
      "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/prod-rg/providers/"
      "Microsoft.Compute/disks/proddisk",
      "success", "2024-12-17T11:45:00Z"}},
    {"azure/panther-analysis/azure_disk_deleted__02__Different_Operation.json",
     0,
     {"azure", "12345678-1234-1234-1234-123456789abc", "centralus", "-", "-",
      "Microsoft.Compute/disks/write", "volume.create", "volume",
      "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/myresourcegroup/"
      "providers/Microsoft.Compute/disks/mydisk",
      "success", "2024-12-17T13:30:00Z"}},
    {"azure/panther-analysis/azure_network_ip_discovery__00__Public_IP_Address_Read_Success.json",
     0,
     {"azure", "12345678-1234-1234-1234-123456789abc", "eastus", "-", "-",
      "MICROSOFT.NETWORK/PUBLICIPADDRESSES/READ", "-", "-",
      "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/network-rg/providers/"
      "Microsoft.Network/publicIPAddresses/myPublicIP",
      "success", "2025-12-22T10:30:00Z"}},
    {"azure/panther-analysis/azure_network_ip_discovery__01__Virtual_Machine_Read_Success.json",
     0,
     {"azure", "11111111-1111-1111-1111-111111111111", "westeurope", "-", "-",
      "MICROSOFT.COMPUTE/VIRTUALMACHINES/READ", "-", "-",
      "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/compute-rg/providers/"
      "Microsoft.Compute/virtualMachines/myVM",
      "success", "2025-12-22T11:00:00Z"}},
    {"azure/panther-analysis/"
     "azure_network_ip_discovery__02__Public_IP_Address_Read_Case_Insensitive.json",
     0,
     {"azure", "33333333-3333-3333-3333-333333333333", "centralus", "-", "-",
      "microsoft.network/publicipaddresses/read", "-", "-",
      "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/network-rg/providers/"
      "Microsoft.Network/publicIPAddresses/pip-prod",
      "success", "2025-12-22T11:15:00Z"}},
    {"azure/panther-analysis/"
     "azure_network_ip_discovery__03__Virtual_Machine_Read_Case_Insensitive.json",
     0,
     {"azure", "44444444-4444-4444-4444-444444444444", "westus", "-", "-",
      "microsoft.compute/virtualmachines/read", "-", "-",
      "/subscriptions/44444444-4444-4444-4444-444444444444/resourceGroups/compute-rg/providers/"
      "Microsoft.Compute/virtualMachines/vm-prod-001",
      "success", "2025-12-22T11:30:00Z"}},
    {"azure/panther-analysis/azure_network_ip_discovery__04__Different_Operation.json",
     0,
     {"azure", "88888888-8888-8888-8888-888888888888", "-", "-", "-",
      "MICROSOFT.STORAGE/STORAGEACCOUNTS/READ", "-", "-",
      "/subscriptions/88888888-8888-8888-8888-888888888888/resourceGroups/storage-rg/providers/"
      "Microsoft.Storage/storageAccounts/mystorageaccount",
      "success", "2025-12-22T14:00:00Z"}},
    {"azure/panther-analysis/"
     "azure_restore_point_collection_deleted__00__Restore_Point_Collection_Deleted_Successfully."
     "json",
     0,
     {"azure", "12345678-1234-1234-1234-123456789abc", "eastus", "-", "-",
      "Microsoft.Compute/restorePointCollections/delete", "restore_point.delete",
      "restore_point_collection",
      "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/backup-rg/providers/"
      "Microsoft.Compute/restorePointCollections/vm-restore-points",
      "success", "2025-12-22T10:30:00Z"}},
    {"azure/panther-analysis/"
     "azure_restore_point_collection_deleted__01__Restore_Point_Collection_Deleted_Case_"
     "Insensitive.json",
     0,
     {"azure", "11111111-1111-1111-1111-111111111111", "westeurope", "-", "-",
      "Microsoft.Compute/restorePointCollections/delete", "restore_point.delete",
      "restore_point_collection",
      "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/prod-backups/providers/"
      "Microsoft.Compute/restorePointCollections/prod-vm-collection",
      "success", "2025-12-22T11:15:00Z"}},
    {"azure/panther-analysis/azure_restore_point_collection_deleted__02__Different_Operation.json",
     0,
     {"azure", "44444444-4444-4444-4444-444444444444", "-", "-", "-",
      "Microsoft.Compute/restorePointCollections/write", "restore_point.create",
      "restore_point_collection",
      "/subscriptions/44444444-4444-4444-4444-444444444444/resourceGroups/backup-rg/providers/"
      "Microsoft.Compute/restorePointCollections/new-collection",
      "success", "2025-12-22T13:00:00Z"}},
    {"azure/panther-analysis/"
     "azure_vm_command_executed__00__VM_RunCommand_Executed_Successfully.json",
     0,
     {"azure", "12345678-1234-1234-1234-123456789abc", "eastus", "-", "-",
      "Microsoft.Compute/virtualMachines/runCommand/action", "instance.run_command", "instance",
      "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/compute-rg/providers/"
      "Microsoft.Compute/virtualMachines/prod-vm-01",
      "success", "2025-12-22T10:30:00Z"}},
    {"azure/panther-analysis/azure_vm_command_executed__01__VM_RunCommand_Case_Insensitive.json",
     0,
     {"azure", "11111111-1111-1111-1111-111111111111", "westeurope", "-", "-",
      "Microsoft.Compute/virtualMachines/runCommand/action", "instance.run_command", "instance",
      "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/prod-compute/providers/"
      "Microsoft.Compute/virtualMachines/web-server-02",
      "success", "2025-12-22T11:15:00Z"}},
    {"azure/panther-analysis/"
     "azure_vm_command_executed__02__VM_Extension_Write_CustomScript_DSC.json",
     0,
     {"azure", "22222222-2222-2222-2222-222222222222", "centralus", "-", "-",
      "Microsoft.Compute/virtualMachines/extensions/write", "instance.modify", "instance",
      "/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/compute-rg/providers/"
      "Microsoft.Compute/virtualMachines/db-vm/extensions/customScript",
      "success", "2025-12-22T12:00:00Z"}},
    {"azure/panther-analysis/azure_vm_command_executed__03__Gallery_Application_Version_Write.json",
     0,
     {"azure", "33333333-3333-3333-3333-333333333333", "westus", "-", "-",
      "MICROSOFT.COMPUTE/GALLERIES/APPLICATIONS/VERSIONS/WRITE", "-", "-",
      "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/gallery-rg/providers/"
      "Microsoft.Compute/galleries/myGallery/applications/maliciousApp/versions/1.0.0",
      "success", "2025-12-22T13:00:00Z"}},
    {"azure/panther-analysis/azure_vm_command_executed__04__AKS_RunCommand_Executed.json",
     0,
     {"azure", "44444444-4444-4444-4444-444444444444", "eastus2", "-", "-",
      "Microsoft.ContainerService/managedClusters/runCommand/action", "instance.run_command",
      "cluster",
      "/subscriptions/44444444-4444-4444-4444-444444444444/resourceGroups/aks-rg/providers/"
      "Microsoft.ContainerService/managedClusters/prod-aks-cluster",
      "success", "2025-12-22T14:00:00Z"}},
    {"azure/panther-analysis/azure_vm_command_executed__05__VMSS_RunCommand_Executed.json",
     0,
     {"azure", "55555555-5555-5555-5555-555555555555", "northeurope", "-", "-",
      "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommand/action",
      "instance.run_command", "instance",
      "/subscriptions/55555555-5555-5555-5555-555555555555/resourceGroups/vmss-rg/providers/"
      "Microsoft.Compute/virtualMachineScaleSets/web-vmss/virtualMachines/0",
      "success", "2025-12-22T15:00:00Z"}},
    {"azure/panther-analysis/azure_vm_command_executed__06__Serial_Console_Connect.json",
     0,
     {"azure", "66666666-6666-6666-6666-666666666666", "southcentralus", "-", "-",
      "Microsoft.SerialConsole/serialPorts/connect/action", "instance.connect", "instance",
      "/subscriptions/66666666-6666-6666-6666-666666666666/resourceGroups/compute-rg/providers/"
      "Microsoft.SerialConsole/serialPorts/0",
      "success", "2025-12-22T16:00:00Z"}},
    {"azure/panther-analysis/azure_vm_command_executed__07__Different_Operation.json",
     0,
     {"azure", "88888888-8888-8888-8888-888888888888", "-", "-", "-",
      "Microsoft.Compute/virtualMachines/write", "instance.create", "instance",
      "/subscriptions/88888888-8888-8888-8888-888888888888/resourceGroups/compute-rg/providers/"
      "Microsoft.Compute/virtualMachines/app-vm",
      "success", "2025-12-22T18:00:00Z"}},
    {"azure/plaso/azure_activity_log.line01.Microsoft.Compute_disks_delete.json",
     0,
     {"azure", "12345678-9abc-defg-hijk-lmnopqrstuvw", "-", "12345678-9abc-defg-hijk-lmnopqrstuvw",
      "ServicePrincipal", "Microsoft.Compute/disks/delete", "volume.delete", "volume",
      "/subscriptions/12345678-9abc-defg-hijk-lmnopqrstuvw/resourceGroups/TEST-RESOURCE-GROUP/"
      "providers/Microsoft.Compute/disks/test-vm_disk1_cd8883de78cb4cda97cb858dfe0cda3a",
      "pending", "2022-02-09T03:04:54.297853Z"}},
    {"azure/plaso/azure_activity_log.line02.Microsoft.Compute_virtualMachines_delete.json",
     0,
     {"azure", "12345678-9abc-defg-hijk-lmnopqrstuvw", "-", "fakeemail@fakedomain.com", "User",
      "Microsoft.Compute/virtualMachines/delete", "instance.delete", "instance",
      "/subscriptions/12345678-9abc-defg-hijk-lmnopqrstuvw/resourceGroups/test-resource-group/"
      "providers/Microsoft.Compute/virtualMachines/test-vm",
      "pending", "2022-02-09T03:04:26.49265Z"}},
    {"azure/plaso/azure_activity_log.line03.Microsoft.Compute_disks_write.json",
     0,
     {"azure", "12345678-9abc-defg-hijk-lmnopqrstuvw", "-", "12345678-9abc-defg-hijk-lmnopqrstuvw",
      "ServicePrincipal", "Microsoft.Compute/disks/write", "volume.create", "volume",
      "/subscriptions/12345678-9abc-defg-hijk-lmnopqrstuvw/resourceGroups/TEST-RESOURCE-GROUP/"
      "providers/Microsoft.Compute/disks/test-vm_disk1_cd8883de78cb4cda97cb858dfe0cda3a",
      "pending", "2022-02-09T03:00:39.333461Z"}},
    {"azure/plaso/azure_activity_log.line04.Microsoft.Compute_virtualMachines_write.json",
     0,
     {"azure", "12345678-9abc-defg-hijk-lmnopqrstuvw", "-", "fakeemail@fakedomain.com", "User",
      "Microsoft.Compute/virtualMachines/write", "instance.create", "instance",
      "/subscriptions/12345678-9abc-defg-hijk-lmnopqrstuvw/resourcegroups/test-resource-group/"
      "providers/Microsoft.Compute/virtualMachines/test-vm",
      "pending", "2022-02-09T03:00:37.136728Z"}},
    {"gcp/cloud-custodian/autoscaler-insert.json",
     0,
     {"gcp", "mitrop-custodian", "us-central1-a", "no@gmail.com", "User",
      "v1.compute.autoscalers.insert", "-", "-",
      "projects/mitrop-custodian/zones/us-central1-a/autoscalers/instance-group-1", "success",
      "2019-08-01T11:50:44.355Z"}},
    {"gcp/cloud-custodian/instance-template-create.json",
     0,
     {"gcp", "cloud-custodian", "global", "alex.karpitski@gmail.com", "User",
      "beta.compute.instanceTemplates.insert", "instance.modify", "instance_template",
      "projects/cloud-custodian/global/instanceTemplates/custodian-instance-template", "success",
      "2019-06-06T07:20:09.45Z"}},
    {"gcp/cloud-custodian/lb-target-instances-get.json",
     0,
     {"gcp", "custodian-test-project-0", "us-central1-c", "yauhen_shaliou@comelfo.com", "User",
      "v1.compute.targetInstances.get", "-", "-",
      "projects/custodian-test-project-0/zones/us-central1-c/targetInstances/"
      "custodian-target-instance-1",
      "success", "2019-05-03T16:15:14.573Z"}},
    {"gcp/cloud-custodian/route-create.json",
     0,
     {"gcp", "mitrop-custodian", "global", "no@gmail.com", "User", "v1.compute.routes.insert", "-",
      "-", "projects/mitrop-custodian/global/routes/test-route-2", "success",
      "2019-05-04T08:31:23.538Z"}},
    {"gcp/elastic-integrations/test-audit.log.line3-instances-aggregatedList.json",
     0,
     {"gcp", "elastic-beats", "global", "xxx@xxx.xxx", "User",
      "beta.compute.instances.aggregatedList", "-", "-", "projects/elastic-beats/global/instances",
      "success", "2019-12-19T00:44:25.051Z"}},
    {"gcp/elastic-integrations/test-audit.log.line6-images-insert.json",
     0,
     {"gcp", "foo", "eu", "user@mycompany.com", "User", "v1.compute.images.insert", "image.create",
      "image", "projects/foo/global/images/windows-server-2016-v20200805", "success",
      "2020-08-05T21:59:26.456Z"}},
    {"gcp/elastic-integrations/test-audit.log.line7-instances-stop.json",
     0,
     {"gcp", "foo", "us-central1-a", "user@mycompany.com", "User", "beta.compute.instances.stop",
      "instance.stop", "instance", "projects/foo/zones/us-central1-a/instances/win10-test",
      "success", "2020-08-05T16:56:40.428Z"}},
    {"gcp/elastic-integrations/test-compute-googleapis-com.log.json",
     0,
     {"gcp", "project-id", "us-central1-a", "project-id@cloudservices.gserviceaccount.com",
      "ServiceAccount", "v1.compute.instances.insert", "instance.create", "instance",
      "projects/project-id/zones/us-central1-a/instances/x-logs", "success",
      "2024-11-19T13:13:13.176899Z"}},
    {"gcp/elastic-integrations/test-networks-disks-classification.log.line01.json",
     0,
     {"gcp", "elastic-security-test", "us-central1",
      "automation@elastic-security-test.iam.gserviceaccount.com", "ServiceAccount",
      "compute.disks.list", "-", "-", "projects/elastic-security-test/regions/us-central1/disks",
      "success", "2024-11-26T14:30:00.123456Z"}},
    {"gcp/elastic-integrations/test-networks-disks-classification.log.line02.json",
     0,
     {"gcp", "elastic-security-test", "-",
      "automation@elastic-security-test.iam.gserviceaccount.com", "ServiceAccount",
      "compute.networks.get", "-", "-",
      "projects/elastic-security-test/global/networks/test-network", "success",
      "2024-11-26T14:31:00.123456Z"}},
    {"gcp/googlecloudplatform-security-analytics/google.cloud.audit.AuditLog.setIamPolicy.json",
     0,
     {"gcp", "1234", "-", "test-user@example.com", "User", "SetIamPolicy", "iam.modify", "project",
      "projects/1234", "success", "2022-02-24T17:00:38.615448Z"}},
    {"gcp/googlecloudplatform-security-analytics/"
     "google.v1.compute.subnetworks.patch-disableFlowLogs.json",
     0,
     {"gcp", "1234", "us-central1", "test-user@example.com", "User", "v1.compute.subnetworks.patch",
      "-", "-", "projects/1234/regions/us-central1/subnetworks/subnet-1", "success",
      "2022-09-20T13:41:37.380381Z"}},
    {"gcp/panther-analysis/"
     "gcp_compute_set_iam_policy__00__IAM_policy_update_on_a_Compute_Disk.json",
     0,
     {"gcp", "test-project", "us-central1-a", "user@example.com", "ServiceAccount",
      "v1.compute.disks.setIamPolicy", "volume.modify", "volume",
      "projects/test-project/zones/us-central1-a/disks/disk-1", "success",
      "2023-10-01T12:34:56.789Z"}},
    {"gcp/panther-analysis/"
     "gcp_compute_set_iam_policy__01__IAM_policy_update_on_a_Compute_Image.json",
     0,
     {"gcp", "test-project", "us-central1-a", "user@example.com", "ServiceAccount",
      "v1.compute.images.setIamPolicy", "image.modify", "image",
      "projects/test-project/global/images/image-1", "success", "2023-10-01T12:45:56.789Z"}},
    {"gcp/panther-analysis/"
     "gcp_compute_set_iam_policy__02__Non_IAM_policy_update_on_a_Compute_Disk.json",
     0,
     {"gcp", "test-project", "us-central1-a", "user@example.com", "ServiceAccount",
      "v1.compute.disks.create", "volume.create", "volume",
      "projects/test-project/zones/us-central1-a/disks/disk-2", "success", "2023-10-01T13:00:00Z"}},
    {"gcp/panther-analysis/gcp_compute_ssh_connection__00__Connect_with_IAP.json",
     0,
     {"gcp", "example-project", "us-central1-f", "denethor@lotr.com", "User", "AuthorizeUser",
      "instance.connect", "instance", "1234567890123456789", "success",
      "2025-05-27T16:46:46.485356507Z"}},
    {"gcp/panther-analysis/gcp_compute_ssh_connection__01__SSH_From_OS_Login_Without_MFA.json",
     0,
     {"gcp", "example-project", "us-central1-f", "user@example.com", "User",
      "google.cloud.oslogin.dataplane.OsLoginDataPlaneService.CheckPolicy", "instance.connect",
      "instance", "projects/example-project/zones/us-central1-f/instances/example-instance",
      "success", "2025-05-27T21:12:08.749558Z"}},
    {"gcp/panther-analysis/gcp_compute_ssh_connection__02__SSH_From_Remote_Machine.json",
     0,
     {"gcp", "123456789012", "-", "user@example.com", "User",
      "v1.compute.projects.setCommonInstanceMetadata", "instance.modify", "project",
      "projects/example-project", "success", "2025-05-27T15:18:22.406665Z"}},
    {"gcp/panther-analysis/gcp_compute_ssh_connection__03__SSH_From_GCP_Console.json",
     0,
     {"gcp", "example-project", "us-central1-f", "user@example.com", "User",
      "v1.compute.instances.setMetadata", "instance.modify", "instance",
      "projects/example-project/zones/us-central1-f/instances/example-instance", "success",
      "2025-05-27T16:44:43.443688Z"}},
    {"gcp/panther-analysis/gcp_compute_ssh_connection__04__Connect_to_Serial_Port.json",
     0,
     {"gcp", "example-project", "us-central1-f", "-", "-", "google.ssh-serialport.v1.connect",
      "instance.connect", "instance",
      "projects/example-project/zones/us-central1-f/instances/example-instance/SerialPort/1",
      "success", "2025-05-27T21:27:27.208503055Z"}},
    {"gcp/panther-analysis/"
     "gcp_computeinstances_create_privilege_escalation__00__GCP_compute_instances_Potential_"
     "Privilege_Escalation.json",
     0,
     {"gcp", "some-project", "us-central1-f", "some.user@company.com", "User",
      "v1.compute.instances.insert", "instance.create", "instance",
      "projects/some-project/zones/us-central1-f/instances/abc", "success",
      "2024-01-30T12:52:34.676384Z"}},
    {"gcp/panther-analysis/"
     "gcp_computeinstances_create_privilege_escalation__01__GCP_compute_instances_Error.json",
     0,
     {"gcp", "some-project", "us-central1-f", "some.user@company.com", "User",
      "v1.compute.instances.insert", "instance.create", "instance",
      "projects/some-project/zones/us-central1-f/instances/abc", "failure",
      "2024-01-30T11:03:55.700872Z"}},
    {"gcp/panther-analysis/gcp_iam_tag_enumeration__00__IAM_Policy_Enumeration.json",
     0,
     {"gcp", "test-project", "-", "test@example.com", "User", "GetIamPolicy", "-", "-",
      "projects/test-project", "success", "2024-01-01T00:00:00Z"}},
    {"gcp/panther-analysis/gcp_iam_tag_enumeration__01__Tag_Keys_Enumeration.json",
     0,
     {"gcp", "test-project", "-", "test@example.com", "User", "TagKeys.ListTagKeys", "-", "-",
      "projects/test-project", "success", "2024-01-01T00:00:00Z"}},
    {"gcp/panther-analysis/gcp_iam_tag_enumeration__02__Normal_Operation.json",
     0,
     {"gcp", "test-project", "-", "test@example.com", "User", "compute.instances.list", "-", "-",
      "projects/test-project", "success", "2024-01-01T00:00:00Z"}},
    {"gcp/panther-analysis/gcp_privileged_operation__00__Privileged_Operation.json",
     0,
     {"gcp", "test-project", "-", "test@example.com", "User", "compute.instances.setIamPolicy",
      "iam.modify", "instance", "projects/test-project", "success", "2024-01-01T00:00:00Z"}},
    {"gcp/panther-analysis/gcp_privileged_operation__01__Normal_Operation.json",
     0,
     {"gcp", "test-project", "-", "test@example.com", "User", "compute.instances.list", "-", "-",
      "projects/test-project", "success", "2024-01-01T00:00:00Z"}},
    {"gcp/plaso/gcp_logging.line01.beta.compute.networks.insert.json",
     0,
     {"gcp", "fake-project", "-", "fakeemailxyz@gmail.com", "User", "beta.compute.networks.insert",
      "-", "-", "projects/fake-project/global/networks/test", "success",
      "2021-10-19T02:57:47.339377Z"}},
    {"gcp/plaso/gcp_logging.line02.beta.compute.networks.insert.json",
     0,
     {"gcp", "fake-project", "global", "fakeemailxyz@gmail.com", "User",
      "beta.compute.networks.insert", "-", "-", "projects/fake-project/global/networks/test",
      "success", "2021-10-19T02:57:39.354769Z"}},
    {"gcp/plaso/gcp_logging.line03.v1.compute.firewalls.insert.json",
     0,
     {"gcp", "fake-project", "-", "fakeemailxyz@gmail.com", "User", "v1.compute.firewalls.insert",
      "-", "-", "projects/fake-project/global/firewalls/test", "success",
      "2021-10-19T02:55:51.658015Z"}},
    {"gcp/plaso/gcp_logging.line04.v1.compute.firewalls.insert.json",
     0,
     {"gcp", "fake-project", "global", "fakeemailxyz@gmail.com", "User",
      "v1.compute.firewalls.insert", "-", "-", "projects/fake-project/global/firewalls/test",
      "success", "2021-10-19T02:55:46.097818Z"}},
    {"gcp/plaso/gcp_logging.line05.google.iam.admin.v1.CreateServiceAccount.json",
     0,
     {"gcp", "fake-project", "-", "fakeemailxyz@gmail.com", "User",
      "google.iam.admin.v1.CreateServiceAccount", "-", "-", "projects/fake-project", "success",
      "2021-10-19T02:43:48.064377809Z"}},
    {"gcp/plaso/gcp_logging.line06.beta.compute.instances.insert.json",
     0,
     {"gcp", "fake-project", "us-central1-a", "fakeemailxyz@gmail.com", "User",
      "beta.compute.instances.insert", "instance.create", "instance",
      "projects/fake-project/zones/us-central1-a/instances/instance-1", "success",
      "2021-10-19T02:42:22.986298Z"}},
    {"gcp/plaso/gcp_logging.line07.beta.compute.instances.insert.json",
     0,
     {"gcp", "fake-project", "us-central1-a", "fakeemailxyz@gmail.com", "User",
      "beta.compute.instances.insert", "instance.create", "instance",
      "projects/fake-project/zones/us-central1-a/instances/instance-1", "success",
      "2021-10-19T02:42:13.839954Z"}},
    {"gcp/plaso/gcp_logging.line08.test_subtype.json",
     0,
     {"gcp", "fake-project", "-", "-", "-", "-", "-", "-", "-", "-",
      "2021-10-19T02:05:41.496590981Z"}},
    {"gcp/plaso/gcp_logging.line09.event.json",
     0,
     {"gcp", "fake-project", "-", "-", "-", "-", "-", "-", "-", "-",
      "2021-10-19T02:04:00.272384509Z"}},
    {"gcp/plaso/gcp_logging.line10.beta.compute.instances.insert.json",
     0,
     {"gcp", "fake-project", "us-central1-b", "fake-account@fake-project.com", "User",
      "beta.compute.instances.insert", "instance.create", "instance",
      "projects/1234567890/zones/us-central1-b/instances/fake-compute-instance", "success",
      "2024-04-26T20:10:10.024055Z"}},
    {"gcp/plaso/gcp_logging.line11.google.iam.admin.v1.CreateServiceAccount.json",
     0,
     {"gcp", "ketchup", "-", "dvwa-service-account@ketchup.iam.gserviceaccount.com",
      "ServiceAccount", "google.iam.admin.v1.CreateServiceAccount", "-", "-", "projects/ketchup",
      "failure", "2024-12-03T17:58:44.882119699Z"}},
    {"gcp/sumologic-documentation/compute-engine.md.sample-log-message.pubsub.json",
     0,
     {"gcp", "wk-dev", "us-central1-f",
      "service-287993422434@dataflow-service-producer-prod.iam.gserviceaccount.com",
      "ServiceAccount", "v1.compute.instances.delete", "instance.delete", "instance",
      "projects/287993422434/zones/us-central1-f/instances/"
      "permissionlogs-yuanwang-1-11221246-d0b6-harness-p548",
      "success", "2017-11-22T20:57:39.896Z"}},
};

// Corpus files that are bad records as they stand: Panther test fixtures
// without any event time.
const std::map<std::string, std::string> kBad = {
    {"aws/panther-analysis/"
     "aws_ec2_ebs_encryption_disabled__00__DisableEbsEncryptionByDefault_Event.json",
     ":1: missing time (eventTime)"},
    {"gcp/panther-analysis/"
     "gcp_computeinstances_create_privilege_escalation__02__GCP_compute_instances_Not_All_"
     "Permissions.json",
     ":1: missing time (timestamp, protoPayload.requestMetadata.requestAttributes.time)"},
};

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  std::string root = SourcePath("tests/data/corpus");
  for (const char* provider : {"aws", "azure", "gcp"}) {
    for (auto& e : std::filesystem::recursive_directory_iterator(root + "/" + provider)) {
      if (e.is_regular_file()) files.push_back(e.path().string().substr(root.size() + 1));
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST_CASE("every corpus event normalizes with the expected fields") {
  std::map<std::string, std::vector<const Expected*>> by_file;
  for (const Expected& e : kCorpus) by_file[e.file].push_back(&e);
  std::vector<std::string> files = CorpusFiles();
  CHECK(files.size() == 173);
  size_t events = 0;
  for (const std::string& file : files) {
    INFO("file: " << file);
    Collected c = ReadPaths({SourcePath("tests/data/corpus/" + file)});
    CHECK(c.ok);
    auto bad = kBad.find(file);
    if (bad != kBad.end()) {
      CHECK(c.events.empty());
      REQUIRE(c.errors.size() == 1);
      CHECK(c.errors[0] == SourcePath("tests/data/corpus/" + file) + bad->second);
      CHECK(c.stats.bad_records == 1);
      continue;
    }
    CHECK(c.errors.empty());
    auto it = by_file.find(file);
    REQUIRE_MESSAGE(it != by_file.end(), "corpus file missing from the table");
    REQUIRE(c.events.size() == it->second.size());
    for (const Expected* exp : it->second) {
      const std::string& ev = c.events[exp->record];
      for (int col = 0; col < 11; ++col) {
        std::string want = exp->values[col];
        if (want == "-") want = "<missing>";
        INFO("record " << exp->record << ", field " << kColumns[col]);
        CHECK(Field(ev, kColumns[col]) == want);
      }
      // raw is the original record (after envelopes), not the envelope.
      CHECK(Field(ev, "raw") != "<missing>");
      ++events;
    }
  }
  CHECK(events == sizeof(kCorpus) / sizeof(kCorpus[0]));
  CHECK(events == 175);
}

TEST_CASE("the whole corpus as one directory input: counts per reader") {
  Collected c;
  for (const char* provider : {"aws", "azure", "gcp"}) {
    Collected p = ReadPaths({SourcePath(std::string("tests/data/corpus/") + provider)});
    CHECK(p.ok);
    c.stats.records += p.stats.records;
    c.stats.bad_records += p.stats.bad_records;
    c.stats.files += p.stats.files;
    for (const ReaderStats& r : p.stats.readers) c.stats.readers.push_back(r);
  }
  CHECK(c.stats.files == 173);
  CHECK(c.stats.records == 175);
  CHECK(c.stats.bad_records == 2);
  REQUIRE(c.stats.readers.size() == 3);
  CHECK(c.stats.readers[0].reader == "cloudtrail");
  CHECK(c.stats.readers[0].records == 111);
  CHECK(c.stats.readers[0].skipped == 1);
  CHECK(c.stats.readers[1].reader == "azure");
  CHECK(c.stats.readers[1].records == 25);
  CHECK(c.stats.readers[2].reader == "gcp");
  CHECK(c.stats.readers[2].records == 39);
  CHECK(c.stats.readers[2].skipped == 1);
}

TEST_CASE("allow_missing_time delivers the time-less fixtures without time") {
  IngestOptions o;
  o.allow_missing_time = true;
  Collected c = ReadPaths(
      {SourcePath("tests/data/corpus/aws/panther-analysis/"
                  "aws_ec2_ebs_encryption_disabled__00__DisableEbsEncryptionByDefault_Event.json")},
      o);
  REQUIRE(c.events.size() == 1);
  CHECK(c.errors.empty());
  CHECK(Field(c.events[0], "time") == "<missing>");
  CHECK(Field(c.events[0], "action") == "encryption.disable");
  CHECK(Field(c.events[0], "cloud.account.uid") == "123456789");
  CHECK(Field(c.events[0], "src_endpoint.ip") == "1.2.3.4");
}

Collected One(const std::string& rel) {
  Collected c = ReadPaths({SourcePath("tests/data/corpus/" + rel)});
  REQUIRE(c.errors.empty());
  REQUIRE(!c.events.empty());
  return c;
}

TEST_CASE("CloudTrail details: sessions, MFA, related resources, sharing, quota, tags") {
  SUBCASE("assumed role: issuer, MFA, session name") {
    auto c =
        One("aws/panther-analysis/aws_ami_modified_for_public_access__00__AMI_Made_Public.json");
    const std::string& e = c.events[0];
    CHECK(Field(e, "actor.session.issuer") == "arn:aws:iam::123456789012:role/example-role");
    CHECK(Field(e, "actor.session.mfa") == "true");
    CHECK(Field(e, "actor.session.uid") == "1111");
    CHECK(Field(e, "actor.user.name") == "example-user");
    CHECK(Field(e, "actor.user.account.uid") == "123456789012");
    CHECK(Field(e, "share.public") == "true");
    // Public is share.public; the launch-permission `group` is not an account
    // (Panther's "AMI Not Made Public" test has group "not-all").
    CHECK(Field(e, "share.accounts") == "<missing>");
    CHECK(Field(e, "src_endpoint.ip") == "111.111.111.111");
    CHECK(Field(e, "metadata.uid") == "1111");
    CHECK(Field(e, "metadata.product") == "cloudtrail");
  }
  SUBCASE("snapshot shared with an account") {
    auto c =
        One("aws/panther-analysis/"
            "aws_snapshot_backup_exfiltration__00__Modified_Snapshot_Attribute.json");
    CHECK(Field(c.events[0], "share.accounts") == R"(["54321"])");
    CHECK(Field(c.events[0], "share.public") == "false");
    // "YYYY-MM-DD HH:MM:SS" is UTC; the text is kept.
    CHECK(Field(c.events[0], "time") == "2022-09-29T22:28:40Z");
    CHECK(Field(c.events[0], "metadata.original_time") == "2022-09-29 22:28:40");
    // sourceIPAddress "AWS Internal" is not an address.
    CHECK(Field(c.events[0], "src_endpoint.ip") == "<missing>");
  }
  SUBCASE("public share removed is not a share") {
    auto c = One("aws/elastic-integrations/test-modify-snapshot-attribute-json.log.json");
    CHECK(Field(c.events[0], "share.public") == "false");
    CHECK(Field(c.events[0], "share.accounts") == "<missing>");
  }
  SUBCASE("RunInstances: every instance, image, type, tags") {
    auto c = One("aws/cloud-custodian/event-cloud-trail-run-instances.json");
    CHECK(Field(c.events[0], "resources") ==
          R"([{"type":"instance","uid":"i-784cdacd"},{"type":"instance","uid":"i-7b4cdace"}])");
    CHECK(Field(c.events[0], "related.image.uid") == "ami-06116566");
    CHECK(Field(c.events[0], "instance.type") == "t2.micro");
    auto t = One("aws/elastic-integrations/test-run-instances-json.log.json");
    CHECK(
        Field(t.events[0], "tags") ==
        R"({"name":"cloudtrail-event-test","division":"engineering","org":"security","team":"cloud","project":"testproject"})");
  }
  SUBCASE("volume from snapshot; image from instance; Panther p_* fields only in raw") {
    auto v = One("aws/cloud-custodian/event-cloud-trail-create-volume.json");
    CHECK(Field(v.events[0], "related.snapshot.uid") == "snap-37beda4c");
    auto i = One("aws/panther-analysis/aws_ec2_monitoring__00__CopyImage.json");
    CHECK(Field(i.events[0], "related.instance.uid") == "i-0381a3817f72a949d");
    CHECK(Field(i.events[0], "raw.p_log_type") == "AWS.CloudTrail");
    CHECK(Field(i.events[0], "p_log_type") == "<missing>");
  }
  SUBCASE("quota request") {
    auto c =
        One("aws/awsdocs-service-quotas-user-guide/"
            "logging-using-cloudtrail.block0.RequestServiceQuotaIncrease.json");
    CHECK(Field(c.events[0], "quota.code") == "L-CEED54BB");
    CHECK(Field(c.events[0], "quota.value") == "10.0");
  }
  SUBCASE("failure carries the error") {
    auto c = One("aws/panther-analysis/aws_ec2_monitoring__02__RunInstance_Dry_Run.json");
    CHECK(Field(c.events[0], "error.code") == "Client.DryRunOperation");
    CHECK(Field(c.events[0], "error.message") ==
          "Request would have succeeded, but DryRun flag is set.");
  }
  SUBCASE("AWS service principal; LookupEvents string record; offset time") {
    auto c = One("aws/plaso/aws_cloudtrail.line04.SharedSnapshotVolumeCreated.json");
    CHECK(Field(c.events[0], "actor.invoked_by") == "ec2.amazonaws.com");
    CHECK(Field(c.events[0], "related.snapshot.uid") == "snap-0a9e1526b9b037a30");
    // raw is the CloudTrail record parsed out of the CloudTrailEvent string.
    CHECK(Field(c.events[0], "raw.eventID") == "ec783cd8-fad8-41a8-abac-569a78c42e33");
    CHECK(Field(c.events[0], "raw.CloudTrailEvent") == "<missing>");
  }
  SUBCASE("EventBridge: the detail is the record") {
    auto c = One("aws/cloud-custodian/event-cloud-trail-s3.json");
    CHECK(Field(c.events[0], "raw.eventName") == "CreateBucket");
    CHECK(Field(c.events[0], "raw.detail-type") == "<missing>");
  }
  SUBCASE("an operation name with a stray blank still maps") {
    auto c = One(
        "aws/awsdocs-amazon-ec2-user-guide/monitor-with-cloudtrail.block1.SendSSHPublicKey.json");
    CHECK(Field(c.events[0], "raw.eventName") == "SendSSHPublicKey ");
    CHECK(Field(c.events[0], "api.operation") == "SendSSHPublicKey");
  }
  SUBCASE("RDS snapshot shared, restored, exported") {
    auto s =
        One("aws/elastic-integrations/test-modify-db-cluster-snapshot-attribute-json.log.json");
    CHECK(Field(s.events[0], "share.accounts") == R"(["123456789012"])");
    auto r = One("aws/elastic-integrations/test-restore-db-instnace-from-snapshot-json.log.json");
    CHECK(Field(r.events[0], "related.snapshot.uid") ==
          "test-cloudtrail-event-instance-31611-snap");
  }
}

TEST_CASE("Azure details: caller forms, claims, status, case-insensitive operations") {
  SUBCASE("diagnostic export with claims: user by UPN") {
    auto c = One("azure/elastic-beats/supporttickets_write.log.json");
    const std::string& e = c.events[0];
    CHECK(Field(e, "actor.user.name") == "admin@contoso.com");
    CHECK(Field(e, "actor.session.uid") == "c776f9f4-36e5-4e0e-809b-c9b3c3fb62a8");
    CHECK(Field(e, "src_endpoint.ip") == "81.2.69.143");
    CHECK(Field(e, "api.service.name") == "Microsoft.Support");
    CHECK(Field(e, "resource.name") == "115012112305841");
    CHECK(Field(e, "metadata.product") == "azure_activity");
    CHECK(Field(e, "error.code") == "<missing>");  // statusCode "Created" on success is no error
  }
  SUBCASE("upper-case operation reported in the table's spelling; raw keeps it") {
    auto c =
        One("azure/panther-analysis/"
            "azure_vm_command_executed__00__VM_RunCommand_Executed_Successfully.json");
    CHECK(Field(c.events[0], "api.operation") ==
          "Microsoft.Compute/virtualMachines/runCommand/action");
    CHECK(Field(c.events[0], "api.service.name") == "Microsoft.Compute");
    CHECK(Field(c.events[0], "raw.operationName") ==
          "MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION");
  }
  SUBCASE("session issuer is the token's appid claim, in each export's spelling") {
    // Diagnostic-setting export, user token (the app is the client used).
    auto u = One("azure/elastic-beats/supporttickets_write.log.json");
    CHECK(Field(u.events[0], "actor.session.issuer") == "c44b4083-3bq0-49c1-b47d-974e53cbdf3c");
    CHECK(Field(u.events[0], "actor.user.uid") == "admin@contoso.com");
    // Diagnostic-setting export, app token: the app is the caller itself.
    auto a = One("azure/elastic-beats/activitylogs.log.json");
    CHECK(Field(a.events[0], "actor.session.issuer") == "8a4de8b5-095c-47d0-a96f-a75130c61d53");
    // SDK snake_case export: `claims` at the top, user (line 02) and app (line 01).
    auto s =
        One("azure/plaso/azure_activity_log.line02.Microsoft.Compute_virtualMachines_delete.json");
    CHECK(Field(s.events[0], "actor.session.issuer") == "12345678-9abc-defg-hijk-lmnopqrstuvw");
    CHECK(Field(s.events[0], "actor.user.uid") == "fakeemail@fakedomain.com");
    auto d = One("azure/plaso/azure_activity_log.line01.Microsoft.Compute_disks_delete.json");
    CHECK(Field(d.events[0], "actor.session.issuer") == "12345678-9abc-defg-hijk-lmnopqrstuvw");
    // Records without claims (Panther's Azure fixtures) have no issuer.
    auto n = One("azure/panther-analysis/azure_disk_deleted__00__Disk_Deleted_Successfully.json");
    CHECK(Field(n.events[0], "actor.session.issuer") == "<missing>");
  }
  SUBCASE("no user agent: the Activity Log does not record one") {
    // httpRequest holds clientRequestId, clientIpAddress and method only.
    auto s =
        One("azure/plaso/azure_activity_log.line02.Microsoft.Compute_virtualMachines_delete.json");
    CHECK(Field(s.events[0], "raw.http_request.method") == "DELETE");
    CHECK(Field(s.events[0], "api.request.uid") == "c1759b29-92ca-4845-bcf4-a5481f306047");
    CHECK(Field(s.events[0], "src_endpoint.ip") == "1.2.3.4");
    for (const char* f : {"azure/elastic-beats/supporttickets_write.log.json",
                          "azure/elastic-beats/activitylogs.log.json",
                          "azure/plaso/azure_activity_log.line02.Microsoft.Compute_virtualMachines_"
                          "delete.json"}) {
      INFO(f);
      CHECK(Field(One(f).events[0], "http_request.user_agent") == "<missing>");
    }
  }
  SUBCASE("SDK snake_case export: service principal by idtyp, Started is pending") {
    auto c = One("azure/plaso/azure_activity_log.line01.Microsoft.Compute_disks_delete.json");
    CHECK(Field(c.events[0], "actor.user.type") == "ServicePrincipal");
    CHECK(Field(c.events[0], "status") == "pending");
    CHECK(Field(c.events[0], "src_endpoint.ip") == "1.2.3.4");
    CHECK(Field(c.events[0], "metadata.uid") == "587eda65-125e-48c2-9b04-ab5e8d3a1d8e");
    CHECK(Field(c.events[0], "actor.user.account.uid") == "12345678-9abc-defg-hijk-lmnopqrstuvw");
    CHECK(Field(c.events[0], "api.request.uid") == "a3237fe2-5fca-4cfd-9d1f-b96312320428");
  }
}

TEST_CASE("GCP details: Pub/Sub, service accounts, sharing, labels") {
  SUBCASE("Pub/Sub push envelope with the LogEntry as an object") {
    auto c = One("gcp/sumologic-documentation/compute-engine.md.sample-log-message.pubsub.json");
    CHECK(Field(c.events[0], "raw.insertId") == "55E9891F381C2.A6AC1EA.F3043722");
    CHECK(Field(c.events[0], "raw.subscription") == "<missing>");
    CHECK(Field(c.events[0], "api.request.uid") ==
          "operation-1511384259910-55e9891ee5970-33fdc63d-4bee6b10");
  }
  SUBCASE("instance insert: image, machine type, caller") {
    auto c = One("gcp/plaso/gcp_logging.line07.beta.compute.instances.insert.json");
    CHECK(Field(c.events[0], "instance.type") == "e2-medium");
    CHECK(Field(c.events[0], "related.image.uid") ==
          "projects/debian-cloud/global/images/debian-10-buster-v20210916");
    CHECK(Field(c.events[0], "resource.name") == "instance-1");
  }
  SUBCASE("project IAM policy lists its members") {
    auto c = One(
        "gcp/googlecloudplatform-security-analytics/google.cloud.audit.AuditLog.setIamPolicy.json");
    CHECK(
        Field(c.events[0], "share.accounts") ==
        R"(["serviceAccount:service-123456789@compute-system.iam.gserviceaccount.com","user:test-user@example.com"])");
    CHECK(Field(c.events[0], "share.public") == "false");
  }
  SUBCASE("status code and message on failure") {
    auto c = One("gcp/plaso/gcp_logging.line11.google.iam.admin.v1.CreateServiceAccount.json");
    CHECK(Field(c.events[0], "error.code") == "7");
    CHECK(Field(c.events[0], "actor.user.account.uid") == "ketchup");
    CHECK(Field(c.events[0], "actor.session.issuer") ==
          "service-1234567890@compute-system.iam.gserviceaccount.com");
  }
  SUBCASE("api.operation: methodName, else the request type, never `operation` or labels") {
    // Every audit record of the corpus carries methodName.
    auto m = One("gcp/elastic-integrations/test-compute-googleapis-com.log.json");
    CHECK(Field(m.events[0], "api.operation") == "v1.compute.instances.insert");
    CHECK(Field(m.events[0], "http_request.user_agent") != "<missing>");
    // The same real records with methodName removed: the request type stands in.
    std::string rec = ReadFileText(SourcePath(
        "tests/data/corpus/gcp/elastic-integrations/test-audit.log.line6-images-insert.json"));
    std::string no_method = rec;
    size_t at = no_method.find(R"("methodName":"v1.compute.images.insert",)");
    REQUIRE(at != std::string::npos);
    no_method.erase(at, std::string(R"("methodName":"v1.compute.images.insert",)").size());
    Collected c = ReadText(no_method);
    REQUIRE(c.events.size() == 1);
    CHECK(c.errors.empty());
    CHECK(Field(c.events[0], "api.operation") == "compute.images.insert");
    CHECK(Field(c.events[0], "action") == "image.create");
    CHECK(Field(c.events[0], "resource.uid") ==
          "projects/foo/global/images/windows-server-2016-v20200805");
    // Without the request type too, nothing names the method: the LogEntry's
    // `operation` (id, producer, first) is not one. The record is still
    // delivered, without api.operation and action.
    std::string bare = no_method;
    at = bare.find(R"("@type":"type.googleapis.com/compute.images.insert",)");
    REQUIRE(at != std::string::npos);
    bare.erase(at, std::string(R"("@type":"type.googleapis.com/compute.images.insert",)").size());
    Collected b = ReadText(bare);
    REQUIRE(b.events.size() == 1);
    CHECK(b.errors.empty());
    CHECK(Field(b.events[0], "raw.operation.producer") == "compute.googleapis.com");
    CHECK(Field(b.events[0], "api.operation") == "<missing>");
    CHECK(Field(b.events[0], "action") == "<missing>");
    CHECK(Field(b.events[0], "api.service.name") == "compute.googleapis.com");
    CHECK(Field(b.events[0], "status") == "success");
    // Application log entries (jsonPayload / textPayload) have no operation at all.
    auto j = One("gcp/plaso/gcp_logging.line08.test_subtype.json");
    CHECK(Field(j.events[0], "api.operation") == "<missing>");
    CHECK(Field(j.events[0], "api.service.name") == "<missing>");
  }
  SUBCASE("callerIP spelled in capitals still gives the address") {
    auto c =
        One("gcp/panther-analysis/gcp_compute_ssh_connection__04__Connect_to_Serial_Port.json");
    CHECK(Field(c.events[0], "src_endpoint.ip") == "192.168.1.100");
    CHECK(Field(c.events[0], "error.message") == "<missing>");  // a message on success is no error
  }
}

}  // namespace
}  // namespace rdl::testing
