/**
 * Where EKS's AMIs point kubelet's `--image-credential-provider-config` (JSON) and
 * `--image-credential-provider-bin-dir`: `doctor --kubelet`'s defaults, and its help's.
 */
export const EKS_KUBELET_CONFIG = '/etc/eks/image-credential-provider/config.json';
export const EKS_KUBELET_BIN_DIR = '/etc/eks/image-credential-provider';
