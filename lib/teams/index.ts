export { assignUserTeam, createTeam, listTeams, renameTeam, setCostsAllTeams, type TeamView } from "./teams";
