DROP INDEX idx_job_details_user_id_page_url;
DROP TABLE job_details;
