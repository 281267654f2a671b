-- 00001_initial: drop everything the up migration created, children before parents
-- so that no foreign key is left pointing at a dropped table.
DROP TABLE generated_documents;
DROP TABLE quota_usage_history;
DROP TABLE quota_usage;
DROP TABLE certifications;
DROP TABLE education;
DROP TABLE work_experiences;
DROP TRIGGER create_profile_after_user_insert ON users;
DROP FUNCTION create_profile_after_user_insert();
DROP TABLE profiles;
DROP TABLE jobs;
DROP TABLE companies;
DROP TABLE users;
