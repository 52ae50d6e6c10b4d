export { S3RVER_CREDENTIALS, startTestS3Server, type TestS3Server } from "./s3-server.ts";
