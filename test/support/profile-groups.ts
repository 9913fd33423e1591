/**
 * Where `npm run test:profile` counts each test file's CPU with its children's: a cpuacct cgroup
 * (cgroup v1) per file's process, named PROFILE_GROUP_PREFIX + its pid, made by profile-hook.ts and
 * removed by profile.ts once the run is over.
 */
export const CPUACCT_ROOT = '/sys/fs/cgroup/cpuacct'
export const PROFILE_GROUP_PREFIX = 'heimdall-profile-'
