-- 00005_job_analyses: drop the job_analyses table and its index.
DROP TABLE job_analyses;
