export interface RepoRef {
  owner: string;
  repo: string;
}
