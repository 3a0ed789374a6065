import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface OciImage {
  /** `sha256:…` of the image manifest: what a registry reports once the image is pushed. */
  readonly digest: string;
  readonly layerDigest: string;
  readonly configDigest: string;
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A ustar archive of regular files (enough for a layer; no directories, no long names). */
function tarArchive(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const header = Buffer.alloc(512);
    const field = (value: string, offset: number): void => {
      header.write(value, offset, 'ascii');
    };
    const octal = (value: number, width: number): string => `${value.toString(8).padStart(width - 1, '0')}\0`;
    field(name, 0);
    field(octal(0o644, 8), 100);
    field(octal(0, 8), 108);
    field(octal(0, 8), 116);
    field(octal(data.length, 12), 124);
    field(octal(0, 12), 136);
    field('        ', 148); // the checksum counts its own field as spaces
    field('0', 156);
    field('ustar\0', 257);
    field('00', 263);
    const checksum = header.reduce((sum, byte) => sum + byte, 0);
    field(`${checksum.toString(8).padStart(6, '0')}\0 `, 148);
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/**
 * Writes an OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md)
 * into `dir`: one image of one gzip layer holding `files`, tagged `tag` in index.json, for
 * `skopeo copy oci:<dir>:<tag> …`.
 */
export function writeOciLayout(dir: string, tag: string, files: Record<string, string>): OciImage {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer): { digest: string; size: number } => {
    const hex = sha256(data);
    fs.writeFileSync(path.join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  const tar = tarArchive(files);
  const layer = put(gzipSync(tar));
  const config = put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] },
      }),
    ),
  );
  const manifest = put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } },
      ],
    }),
  );
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { digest: manifest.digest, layerDigest: layer.digest, configDigest: config.digest };
}
