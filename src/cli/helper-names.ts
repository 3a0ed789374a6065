/** The helper's name in `credHelpers`/`credsStore`: docker runs `docker-credential-<name>`. */
export const HELPER_NAME = 'ecr-login';

/** The program docker runs for `"ecr-login"` in credHelpers/credsStore: `docker-credential-<name>`. */
export const DOCKER_HELPER_PROGRAM = `docker-credential-${HELPER_NAME}`;
