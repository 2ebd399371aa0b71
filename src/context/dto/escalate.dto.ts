import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';

export class EscalateDto {
  @ApiProperty({ description: 'Why the managers should step in (posted as a private note)', minLength: 3, maxLength: 2000 })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  reason: string;

  @ApiPropertyOptional({ description: 'The Chatwoot agent id the dashboard app reports (context token only)' })
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

export class EscalationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ description: 'Chatwoot conversation display id' })
  conversation_id: number;

  @ApiProperty({ enum: ['done'] })
  state: string;

  @ApiProperty({ enum: ['urgent'] })
  priority: string;

  @ApiProperty({ type: Number, nullable: true, description: 'The managers team, when the store has one' })
  team_id: number | null;

  @ApiProperty({ type: [String] })
  labels: string[];

  @ApiProperty({ type: Number, nullable: true })
  note_id: number | null;

  @ApiProperty({ description: 'The manager.escalation notification to the store' })
  notification_id: string;

  @ApiProperty({ format: 'date-time' })
  created_at: string;
}
