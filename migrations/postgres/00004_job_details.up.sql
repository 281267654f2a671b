-- 00004_job_details: what the scraper found about a captured job beyond the
-- columns of jobs (the sanitised description HTML, salary, workplace, remote
-- countries, dates, the employer's job id, the site rules that read it), as
-- one JSON object per job, written in the same transaction as the job.
-- page_url is the canonical address the page was captured from when the
-- scraper found a more specific one for jobs.source_url (a LinkedIn URL
-- without the posting id, say), so the extension can still find the job from
-- the address it is on.
CREATE TABLE job_details (
  job_id BIGINT PRIMARY KEY,
  user_id BIGINT NOT NULL,
  page_url TEXT,
  data TEXT NOT NULL,                              -- JSON object
  FOREIGN KEY (job_id) REFERENCES jobs(id) ON DELETE CASCADE,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE);
CREATE INDEX idx_job_details_user_id_page_url ON job_details(user_id, page_url);
