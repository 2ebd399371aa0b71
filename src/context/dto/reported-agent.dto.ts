import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

/**
 * Who acts, as the dashboard app reports it: the fields every panel action body (discount code,
 * escalation, order action) carries. Used only with the shared context token; with an agent token
 * the token's owner is recorded.
 */
export class ReportedAgentDto {
  @ApiPropertyOptional({
    description:
      "The Chatwoot agent id the dashboard app reports (appContext.currentAgent.id). Used only with the context token; with an agent token the token's owner is recorded",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  agentId?: number;

  @ApiPropertyOptional({ description: 'The agent name the dashboard app reports (context token only)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agentName?: string;
}
